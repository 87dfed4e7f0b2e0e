package flux.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestPostgres;
import flux.pg.LockKeys;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(FluxTestInfra.class)
class MigrationConcurrencyIT {
    private final MigrationFixture fx;

    MigrationConcurrencyIT(TestPostgres pg, @TempDir Path dir) {
        this.fx = new MigrationFixture(pg, "migration_concurrency", dir);
    }

    @Test
    void tenMigratorsInParallelApplyEachMigrationOnce() throws Exception {
        fx.write("001_runs.sql", "CREATE TABLE runs (file text NOT NULL);\nSELECT pg_sleep(0.2);");
        fx.write("002_a.sql", "INSERT INTO runs VALUES ('002');");
        fx.write("003_b.sql", "INSERT INTO runs VALUES ('003');\nSELECT pg_sleep(0.1);");
        fx.write("R__c.sql", "INSERT INTO runs VALUES ('R');");

        ExecutorService pool = Executors.newFixedThreadPool(10);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<MigrationReport>> reports = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            reports.add(pool.submit(() -> {
                go.await();
                return fx.migrate();
            }));
        }
        go.countDown();
        int applied = 0;
        for (Future<MigrationReport> report : reports) {
            applied += report.get(60, TimeUnit.SECONDS).outcomes().size();
        }
        pool.shutdown();

        assertThat(applied).isEqualTo(4);
        assertThat(fx.column("SELECT file FROM runs ORDER BY file")).containsExactly("002", "003", "R");
        assertThat(fx.ledgerVersions()).containsExactly("1", "2", "3");
    }

    @Test
    void createIndexConcurrentlyDoesNotDeadlockWithAWaitingMigrator() throws Exception {
        fx.write("001_t.sql", "CREATE TABLE t (x int);\nINSERT INTO t SELECT generate_series(1, 1000);");
        fx.migrate();
        // Run by the first migrator, statement by statement: the pause lets the second one queue.
        fx.write("002_idx.sql", "SELECT pg_sleep(1);\nCREATE INDEX CONCURRENTLY IF NOT EXISTS t_x ON t (x);");

        ExecutorService pool = Executors.newFixedThreadPool(2);
        Future<MigrationReport> first = pool.submit(fx::migrate);
        await().atMost(Duration.ofSeconds(10)).until(() -> !fx.column(
                "SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 2"
                + " AND classid::bigint = " + LockKeys.MIGRATION.classOid()
                + " AND objid::bigint = " + LockKeys.MIGRATION.objectOid()).isEmpty());
        Future<MigrationReport> second = pool.submit(fx::migrate);
        await().atMost(Duration.ofSeconds(5)).until(() -> fx.column(
                "SELECT 1 FROM pg_stat_activity WHERE query LIKE '%pg_try_advisory_lock%' AND pid <> pg_backend_pid()")
                .size() > 0);

        assertThat(first.get(30, TimeUnit.SECONDS).outcomes()).hasSize(1);
        assertThat(second.get(30, TimeUnit.SECONDS).outcomes()).isEmpty();
        pool.shutdown();
        assertThat(fx.column("SELECT indisvalid FROM pg_index WHERE indexrelid = 't_x'::regclass"))
                .containsExactly("t");
    }

    @Test
    void aMigratorThatWaitsTooLongForTheLockSaysWhoHoldsIt() throws Exception {
        fx.write("001_a.sql", "CREATE TABLE a (id int);");
        try (Connection holder = fx.db.connect(); Statement st = holder.createStatement()) {
            st.execute("SET application_name = 'deploy-42'");
            assertThat(LockKeys.MIGRATION.tryLockForSession(holder)).isTrue();
            Migrator impatient = new Migrator(fx.dataSource, MigrationSettings.DEFAULTS.withLockWait(Duration.ofMillis(300)));

            assertThatThrownBy(() -> impatient.migrate(fx.files(), false))
                    .isInstanceOf(MigrationLockTimeout.class)
                    .hasMessageContaining("held by pid ")
                    .hasMessageContaining("(deploy-42, ");
        }
        assertThat(fx.tableExists("a")).isFalse();
        assertThat(fx.migrate().outcomes()).hasSize(1);
    }

    @Test
    void aMigratorDoesNotWaitForTheBlameFolder() throws Exception {
        fx.write("001_a.sql", "CREATE TABLE a (id int);");
        try (Connection folder = fx.db.connect()) {
            folder.setAutoCommit(false);
            assertThat(LockKeys.BLAME_FOLDER.tryLockForTransaction(folder)).isTrue();
            Migrator impatient = new Migrator(fx.dataSource, MigrationSettings.DEFAULTS.withLockWait(Duration.ofMillis(300)));

            assertThat(impatient.migrate(fx.files(), false).outcomes()).hasSize(1);
            folder.rollback();
        }
    }
}

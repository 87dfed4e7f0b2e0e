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
    /** An advisory lock key of the test's own (MigrationLock's is "flux" + 2). */
    private static final long GATE = 4242;
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
        // The first migrator stops at a gate the test holds (an advisory lock), so the second is
        // surely waiting for the migration lock when the first builds its index.
        fx.write("002_idx.sql", "SET lock_timeout = 0;\nSELECT pg_advisory_lock_shared(" + GATE + ");\n"
                + "SELECT pg_advisory_unlock_shared(" + GATE + ");\nCREATE INDEX CONCURRENTLY IF NOT EXISTS t_x ON t (x);");

        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (Connection gate = fx.db.connect(); Statement st = gate.createStatement()) {
            st.execute("SELECT pg_advisory_lock(" + GATE + ")");
            Future<MigrationReport> first = pool.submit(fx::migrate);
            await("the first migrator waits at the gate").atMost(Duration.ofSeconds(60)).until(() -> !fx.column(
                    "SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND objid = " + GATE).isEmpty());
            Future<MigrationReport> second = pool.submit(fx::migrate);
            await("the second migrator waits for the migration lock").atMost(Duration.ofSeconds(60)).until(() -> !fx.column(
                    "SELECT 1 FROM pg_stat_activity WHERE query LIKE '%pg_try_advisory_lock%' AND datname = current_database()"
                            + " AND pid <> pg_backend_pid() AND pid NOT IN (SELECT pid FROM pg_locks WHERE locktype = 'advisory'"
                            + " AND objid = " + GATE + ")").isEmpty());
            st.execute("SELECT pg_advisory_unlock(" + GATE + ")");

            assertThat(first.get(60, TimeUnit.SECONDS).outcomes()).hasSize(1);
            assertThat(second.get(60, TimeUnit.SECONDS).outcomes()).isEmpty();
        } finally {
            pool.shutdownNow();
        }
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

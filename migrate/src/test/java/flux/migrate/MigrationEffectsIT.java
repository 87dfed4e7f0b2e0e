package flux.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/** What a migration does besides its own SQL: replica identity, NOTIFY, invalid indexes, timeouts. */
@ExtendWith(FluxTestInfra.class)
class MigrationEffectsIT {
    private static final Path EXAMPLE = Path.of("..", "examples", "schema", "001_todos.sql");
    private final MigrationFixture fx;

    MigrationEffectsIT(TestPostgres pg, @TempDir Path dir) {
        this.fx = new MigrationFixture(pg, "migration_effects", dir);
    }

    @Test
    void theSeedTodosTableGetsReplicaIdentityFullAndListenersAreNotified() throws Exception {
        fx.write("001_todos.sql", Files.readString(EXAMPLE));
        fx.write("002_plain.sql", "CREATE TABLE keyless (x int);\nCREATE TABLE chosen (id int PRIMARY KEY);\n"
                + "ALTER TABLE chosen REPLICA IDENTITY NOTHING;");
        try (Connection listener = fx.db.connect()) {
            try (Statement st = listener.createStatement()) {
                st.execute("LISTEN flux_schema_changed");
            }

            MigrationReport report = fx.migrate();

            assertThat(report.outcomes().get(0).trackedTables()).containsExactly("public.todos");
            assertThat(fx.column("SELECT relname || '=' || relreplident::text FROM pg_class"
                    + " WHERE relname IN ('todos', 'keyless', 'chosen') ORDER BY relname"))
                    .containsExactly("chosen=n", "keyless=d", "todos=f");
            assertThat(payloads(listener)).containsExactly("apply 001_todos.sql", "apply 002_plain.sql");
        }
    }

    @Test
    void aTableThatGainsAPrimaryKeyLaterIsTrackedThen() {
        fx.write("001_a.sql", "CREATE TABLE a (id int NOT NULL);");
        fx.write("002_pk.sql", "ALTER TABLE a ADD PRIMARY KEY (id);");

        fx.migrate();

        assertThat(fx.column("SELECT relreplident FROM pg_class WHERE relname = 'a'")).containsExactly("f");
    }

    @Test
    void aDryRunNotifiesNobody() throws Exception {
        fx.write("001_a.sql", "CREATE TABLE a (id int PRIMARY KEY);");
        try (Connection listener = fx.db.connect()) {
            try (Statement st = listener.createStatement()) {
                st.execute("LISTEN flux_schema_changed");
            }
            fx.migrator().dryRun(fx.files(), false);
            assertThat(payloads(listener)).isEmpty();
        }
    }

    @Test
    void anIndexLeftInvalidByAFailedConcurrentBuildMarksTheVersionDirtyAndBlocksTheRetry() {
        fx.write("001_t.sql", "CREATE TABLE t (x int);\nINSERT INTO t VALUES (1), (1);");
        fx.migrate();
        fx.write("002_idx.sql", "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS t_x ON t (x);");

        assertThatThrownBy(fx::migrate)
                .isInstanceOf(MigrationFailed.class)
                .hasMessageStartingWith("002_idx.sql line 1: 23505")
                .hasMessageContaining("version 2 is marked dirty")
                .hasMessageContaining("index public.t_x is left INVALID")
                .hasMessageContaining("DROP INDEX CONCURRENTLY public.t_x");
        assertThatThrownBy(fx::migrate).isInstanceOf(DirtyMigration.class);

        // Retried without dropping it, IF NOT EXISTS skips the broken index: Flux must not record the file as done.
        fx.execute("DELETE FROM t WHERE ctid = (SELECT max(ctid) FROM t)");
        fx.migrator().repair(fx.files(), Version.of("2"), true);
        assertThatThrownBy(fx::migrate)
                .isInstanceOf(MigrationFailed.class)
                .hasMessageStartingWith("002_idx.sql ran, but index public.t_x is left INVALID");
        assertThat(fx.column("SELECT version || ':' || success FROM flux.flux_migrations ORDER BY installed_rank"))
                .containsExactly("1:true", "2:false");

        fx.execute("DROP INDEX CONCURRENTLY t_x");
        fx.migrator().repair(fx.files(), Version.of("2"), true);
        fx.migrate();
        assertThat(fx.ledgerVersions()).containsExactly("1", "2");
        assertThat(fx.column("SELECT indisvalid FROM pg_index WHERE indexrelid = 'public.t_x'::regclass"))
                .containsExactly("t");
    }

    @Test
    void lockTimeoutStopsAMigrationQueuedBehindABusyTable() throws Exception {
        fx.write("001_t.sql", "CREATE TABLE busy (x int);");
        fx.migrate();
        fx.write("002_alter.sql", "ALTER TABLE busy ADD COLUMN y int;");
        try (Connection holder = fx.db.connect()) {
            holder.setAutoCommit(false);
            try (Statement st = holder.createStatement()) {
                st.execute("SELECT * FROM busy");
            }
            Migrator impatient = new Migrator(fx.dataSource,
                    MigrationSettings.DEFAULTS.withLockTimeout(Duration.ofMillis(200)));

            assertThatThrownBy(() -> impatient.migrate(fx.files(), false))
                    .isInstanceOf(MigrationFailed.class)
                    .hasMessageStartingWith("002_alter.sql line 1: 55P03")
                    .hasMessageContaining("raise --lock-timeout");
            holder.rollback();
        }
        assertThat(fx.ledgerVersions()).containsExactly("1");
    }

    private static List<String> payloads(Connection listener) throws Exception {
        List<String> payloads = new ArrayList<>();
        PGNotification[] batch = listener.unwrap(PGConnection.class).getNotifications(500);
        while (batch != null && batch.length > 0) {
            Arrays.stream(batch).map(PGNotification::getParameter).forEach(payloads::add);
            batch = listener.unwrap(PGConnection.class).getNotifications(200);
        }
        return payloads;
    }
}

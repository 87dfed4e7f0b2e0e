package flux.app.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import flux.app.cli.ExitCodes;
import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestPostgres;
import io.micronaut.context.ApplicationContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(FluxTestInfra.class)
class StartupMigrationsIT {
    private final TestPostgres db;
    private final Path dir;

    StartupMigrationsIT(TestPostgres pg, @TempDir Path dir) {
        this.db = pg.newDatabase("startup_migrations");
        this.dir = dir;
    }

    /** A started context; one that fails to start is closed first (its beans would outlive the test). */
    private ApplicationContext start(Path migrations) {
        ApplicationContext context = ApplicationContext.builder()
                .deduceEnvironment(false)
                .banner(false)
                .properties(Map.of(
                        "flux.database.jdbc-url", db.jdbcUrl(),
                        "flux.database.username", db.user(),
                        "flux.database.password", db.password(),
                        "flux.kafka.bootstrap-servers", "127.0.0.1:9",
                        "flux.capture.enabled", false,
                        "flux.migrations.dir", migrations.toString()))
                .build();
        try {
            return context.start();
        } catch (RuntimeException | Error e) {
            context.close();
            throw e;
        }
    }

    @Test
    void theServerAppliesTheMigrationsDirectoryWhenItStarts() throws Exception {
        Files.writeString(dir.resolve("001_todos.sql"), Files.readString(Path.of("..", "examples", "schema", "001_todos.sql")));

        try (ApplicationContext ignored = start(dir)) {
            assertThat(query("SELECT relreplident::text FROM pg_class WHERE relname = 'todos'")).isEqualTo("f");
            assertThat(query("SELECT name FROM flux.flux_migrations")).isEqualTo("001_todos.sql");
            assertThat(query("SELECT to_regclass('flux.state_mutations')::text")).isEqualTo("flux.state_mutations");
        }
    }

    @Test
    void aMissingDirectoryIsNothingToDo() {
        try (ApplicationContext context = start(dir.resolve("absent"))) {
            assertThat(context.isRunning()).isTrue();
        }
    }

    @Test
    void aFailingMigrationStopsTheStartWithOneLine() throws Exception {
        Files.writeString(dir.resolve("001_bad.sql"), "CREATE TABLE a (id int);\nSELECT * FROM nowhere;");

        Throwable failure = catchThrowable(() -> start(dir).close());

        assertThat(ExitCodes.oneLine(failure))
                .startsWith("migrating " + dir + " failed: 001_bad.sql line 2: 42P01 relation \"nowhere\" does not exist")
                .doesNotContain("\n");
        assertThat(query("SELECT count(*)::text FROM flux.flux_migrations")).isEqualTo("0");
    }

    private String query(String sql) throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}

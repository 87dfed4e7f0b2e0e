package flux.app;

import static org.assertj.core.api.Assertions.assertThat;

import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestPostgres;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The migration commands run in-process, as `flux ...` would, against a real database. */
@ExtendWith(FluxTestInfra.class)
class MigrationCliIT {
    private final TestPostgres db;
    private final Path schema;
    private final Path home;

    MigrationCliIT(TestPostgres pg, @TempDir Path tmp) throws IOException {
        this.db = pg.newDatabase("migration_cli");
        this.schema = Files.createDirectory(tmp.resolve("schema"));
        this.home = Files.createDirectory(tmp.resolve("home"));
    }

    private record Run(int exit, String out, String err) {
    }

    private Map<String, String> withDatabaseUrl() {
        return Map.of("DATABASE_URL", "postgresql://" + db.user() + ":" + db.password() + "@" + db.host() + ":"
                + db.port() + "/" + db.database());
    }

    private Run flux(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Flux.run(env, new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(exit, out.toString(), err.toString());
    }

    private Run flux(String... args) {
        return flux(withDatabaseUrl(), args);
    }

    private void write(String name, String sql) throws IOException {
        Files.writeString(schema.resolve(name), sql);
    }

    @Test
    void migrateAppliesTheSchemaDirectoryAndSaysWhatItDid() throws IOException {
        write("001_todos.sql", Files.readString(Path.of("..", "examples", "schema", "001_todos.sql")));

        Run first = flux("db", "migrate", "--dir", schema.toString());
        Run second = flux("db", "migrate", "--dir", schema.toString());

        assertThat(first.exit()).isZero();
        assertThat(first.out()).contains("applied 001_todos.sql (")
                .contains("in a transaction); replica identity full: public.todos")
                .contains("done: 1 against postgresql://" + db.user() + "@");
        assertThat(second.exit()).isZero();
        assertThat(second.out()).startsWith("nothing to run: ");
    }

    @Test
    void planPrintsEachFileInOrderWithItsTransactionModeAndRunsNothing() throws IOException {
        write("001_t.sql", "CREATE TABLE t (x int);");
        write("002_idx.sql", "CREATE INDEX CONCURRENTLY t_x ON t (x);");

        Run plan = flux("db", "migrate", "--dir", schema.toString(), "--plan");

        assertThat(plan.exit()).isZero();
        assertThat(plan.out().lines().skip(1).limit(2).toList()).satisfiesExactly(
                l -> assertThat(l).contains("1  001_t.sql").contains("apply").endsWith("in a transaction"),
                l -> assertThat(l).contains("2  002_idx.sql")
                        .endsWith("outside a transaction (CREATE INDEX CONCURRENTLY at line 1)"));
        assertThat(flux("db", "current").out()).isEqualTo("no migrations applied\n");
    }

    @Test
    void anEditedAppliedFileExitsOneWithOneLineNamingItAndBothChecksums() throws IOException {
        write("001_a.sql", "CREATE TABLE a (id int);");
        flux("db", "migrate", "--dir", schema.toString());
        write("001_a.sql", "CREATE TABLE a (id bigint);");

        Run run = flux("db", "migrate", "--dir", schema.toString());

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).startsWith("flux: migration 001_a.sql (version 1) was edited after it was applied")
                .contains("ledger checksum ").contains(", file checksum ");
        assertThat(run.err().lines().count()).isEqualTo(1);
    }

    @Test
    void aFailingMigrationExitsOneNamingTheFileLineAndSqlState() throws IOException {
        write("001_bad.sql", "CREATE TABLE a (id int);\nINSERT INTO a VALUES ('x');");

        Run run = flux("db", "migrate", "--dir", schema.toString());

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).startsWith("flux: 001_bad.sql line 2: 22P02 invalid input syntax for type integer");
        assertThat(flux("db", "history").out()).isEqualTo("no migrations applied\n");
    }

    @Test
    void withoutDatabaseUrlTheDatabaseOfTheRunningServerIsUsed() throws IOException {
        Files.writeString(home.resolve("database.url"), db.jdbcUrl() + "?user=" + db.user() + "&password="
                + db.password() + "\n");
        write("001_a.sql", "CREATE TABLE a (id int);");

        Run run = flux(Map.of("FLUX_HOME", home.toString()), "db", "migrate", "--dir", schema.toString());

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(flux("db", "current").out()).startsWith("1 (001_a.sql, applied ");
    }

    @Test
    void withNoDatabaseItExitsOneSayingHowToGiveOne() {
        Run run = flux(Map.of("FLUX_HOME", home.toString()), "db", "current");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).startsWith("flux: no database: set DATABASE_URL (or --database-url), or start `flux serve`");
    }

    @Test
    void badOptionsAreUsageErrors() {
        assertThat(flux("push", schema.toString(), "--mode", "sideways").exit()).isEqualTo(2);
        assertThat(flux("db", "migrate", "--dir", schema.toString(), "--plan", "--dry-run").exit()).isEqualTo(2);
        assertThat(flux("db", "migrate", "--lock-timeout", "soon").exit()).isEqualTo(2);
    }

    @Test
    void pushedRepeatableScriptsRunAgainOnlyWhenChangedOrForced() throws IOException {
        write("001_log.sql", "CREATE TABLE log (n int);");
        flux("push", schema.resolve("001_log.sql").toString());
        Path seed = Files.writeString(home.resolve("seed.sql"), "INSERT INTO log VALUES (1);");

        assertThat(flux("push", seed.toString(), "--mode", "repeatable").out()).startsWith("applied seed.sql");
        assertThat(flux("push", seed.toString(), "--mode", "repeatable").out()).startsWith("nothing to run");
        assertThat(flux("push", seed.toString(), "--mode", "repeatable", "--force").out()).startsWith("re-ran seed.sql");
        assertThat(flux("push", seed.toString(), "--mode", "raw").out()).startsWith("applied seed.sql");
        assertThat(flux("db", "history").out()).contains("001_log.sql").contains("seed.sql").contains("(repeatable, runs: 2)");
    }

    @Test
    void rollbackUndoesTheLastMigrationWithItsDownFile() throws IOException {
        write("001_a.up.sql", "CREATE TABLE a (id int);");
        write("001_a.down.sql", "DROP TABLE a;");
        write("002_b.up.sql", "CREATE TABLE b (id int);");
        write("002_b.down.sql", "DROP TABLE b;");
        flux("db", "migrate", "--dir", schema.toString());

        Run run = flux("db", "rollback", "--dir", schema.toString());

        assertThat(run.exit()).isZero();
        assertThat(run.out()).startsWith("undid 002_b.up.sql with 002_b.down.sql (");
        assertThat(flux("db", "current").out()).startsWith("1 (001_a.up.sql, applied ");
        assertThat(flux("migrations", "list", "--dir", schema.toString()).out().lines().toList()).satisfiesExactly(
                l -> assertThat(l).startsWith("001_a.up.sql").contains("versioned").contains("applied"),
                l -> assertThat(l).startsWith("002_b.up.sql").contains("pending"));
    }
}

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

/** The CLI verbs for projects that exist already: dirty versions and repair (issue #21). */
@ExtendWith(FluxTestInfra.class)
class RealProjectsCliIT {
    private final TestPostgres db;
    private final Path schema;

    RealProjectsCliIT(TestPostgres pg, @TempDir Path tmp) throws IOException {
        this.db = pg.newDatabase("real_projects_cli");
        this.schema = Files.createDirectory(tmp.resolve("schema"));
    }

    private record Run(int exit, String out, String err) {
    }

    private Run flux(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Map<String, String> env = Map.of("DATABASE_URL", "postgresql://" + db.user() + ":" + db.password() + "@"
                + db.host() + ":" + db.port() + "/" + db.database());
        int exit = Flux.run(env, new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(exit, out.toString(), err.toString());
    }

    private void write(String name, String sql) throws IOException {
        Files.writeString(schema.resolve(name), sql);
    }

    @Test
    void aDirtyVersionStopsMigrateUntilRepairOrForceClearsIt() throws IOException {
        write("001_half.up.sql", "CREATE TABLE half_a (id int);\nBEGIN;\nINSERT INTO missing VALUES (1);\nCOMMIT;\n");

        Run failed = flux("db", "migrate", "--dir", schema.toString());
        Run refused = flux("db", "migrate", "--dir", schema.toString());
        Run list = flux("migrations", "list", "--dir", schema.toString());

        assertThat(failed.exit()).isEqualTo(1);
        assertThat(failed.err().lines().toList()).singleElement().asString()
                .startsWith("flux: 001_half.up.sql line 3: 42P01").contains("version 1 is marked dirty");
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).startsWith("flux: migration 001_half.up.sql (version 1) is dirty since ")
                .contains("(INSERT INTO missing VALUES (1))").contains("`flux db repair 1`");
        assertThat(list.out()).contains("001_half.up.sql").contains("dirty");

        write("001_half.up.sql", "CREATE TABLE IF NOT EXISTS half_a (id int);\nBEGIN;\nCREATE TABLE b (id int);\nCOMMIT;\n");
        Run repaired = flux("db", "force", "1", "--rerun", "--dir", schema.toString());
        Run again = flux("db", "migrate", "--dir", schema.toString());

        assertThat(repaired.exit()).isZero();
        assertThat(repaired.out()).startsWith("forgot the failed run of 001_half.up.sql (version 1)");
        assertThat(again.exit()).isZero();
        assertThat(again.out()).contains("applied 001_half.up.sql (").contains("outside a transaction");
        assertThat(flux("db", "repair", "1", "--dir", schema.toString()).err())
                .startsWith("flux: version 1 (001_half.up.sql) is applied, not dirty");
    }

    @Test
    void baselineAndImportAdoptADatabaseWithoutRunningWhatItHas() throws Exception {
        write("001_users.up.sql", "CREATE TABLE users (id int PRIMARY KEY);");
        write("002_teams.up.sql", "CREATE TABLE teams (id int PRIMARY KEY);");
        write("003_orgs.up.sql", "CREATE TABLE orgs (id int PRIMARY KEY);");
        try (var c = db.connect(); var st = c.createStatement()) {
            st.execute("CREATE TABLE users (id int PRIMARY KEY); CREATE TABLE teams (id int PRIMARY KEY);"
                    + " CREATE TABLE schema_migrations (version bigint PRIMARY KEY, dirty boolean NOT NULL);"
                    + " INSERT INTO schema_migrations VALUES (2, false)");
        }

        Run imported = flux("db", "import", "--from", "golang-migrate", "--dir", schema.toString());
        Run baseline = flux("db", "baseline", "3", "--dir", schema.toString());
        Run unknown = flux("db", "import", "--from", "liquibase", "--dir", schema.toString());

        assertThat(imported.exit()).isZero();
        assertThat(imported.out()).contains("recorded 001_users.up.sql as applied (not run)")
                .contains("imported from golang-migrate (public.schema_migrations): 2 applied, 0 dirty, 0 repeatable;"
                        + " 0 already recorded");
        assertThat(baseline.exit()).isZero();
        assertThat(baseline.out()).contains("recorded 003_orgs.up.sql as applied (not run)")
                .contains("baseline: 1 recorded up to version 3");
        assertThat(flux("db", "migrate", "--dir", schema.toString()).out()).startsWith("nothing to run");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown tool \"liquibase\"");
    }

    @Test
    void migrationsCreateWritesTheNextPairWithoutADatabase() throws IOException {
        write("007_users.up.sql", "CREATE TABLE users (id int PRIMARY KEY);");
        StringWriter out = new StringWriter();
        int exit = Flux.run(Map.of(), new PrintWriter(out, true), new PrintWriter(new StringWriter(), true),
                "migrations", "create", "add orgs", "--dir", schema.toString());

        assertThat(exit).isZero();
        assertThat(out.toString()).contains("created " + schema.resolve("008_add_orgs.up.sql"))
                .contains("created " + schema.resolve("008_add_orgs.down.sql"));
        assertThat(schema.resolve("008_add_orgs.down.sql")).exists();
    }

    @Test
    void diffPrintsTheSqlToTheDesiredStateAndDriftFailsOnChangesMadeByHand() throws Exception {
        write("001_users.sql", "CREATE TABLE users (id int PRIMARY KEY, email text);");
        write("schema.sql", "CREATE TABLE users (id int PRIMARY KEY, email text NOT NULL, plan text DEFAULT 'free');");
        assertThat(flux("db", "migrate", "--dir", schema.toString()).out()).contains("done: 1 against");

        Run diff = flux("db", "diff", "--desired", schema.resolve("schema.sql").toString());
        Run clean = flux("db", "drift", "--dir", schema.toString());
        try (var c = db.connect(); var st = c.createStatement()) {
            st.execute("CREATE INDEX users_email ON users (email)");
        }
        Run drift = flux("db", "drift", "--dir", schema.toString());
        Run json = flux("db", "drift", "--json", "--dir", schema.toString());

        assertThat(diff.exit()).isZero();
        assertThat(diff.out()).contains("2 differences")
                .contains("ALTER TABLE \"public\".\"users\" ADD COLUMN \"plan\" text DEFAULT 'free'::text;")
                .contains("ALTER TABLE \"public\".\"users\" ALTER COLUMN \"email\" SET NOT NULL;");
        assertThat(clean.exit()).isZero();
        assertThat(clean.out()).startsWith("no drift: ");
        assertThat(drift.exit()).isEqualTo(1);
        assertThat(drift.out()).contains("drift: 1 difference between").contains("extra    index  public.users.users_email")
                .contains("live:     CREATE INDEX users_email ON public.users USING btree (email)")
                .contains("DROP INDEX \"public\".\"users_email\";");
        assertThat(json.exit()).isEqualTo(1);
        assertThat(json.out()).contains("\"drift\" : true").contains("\"change\" : \"extra\"");
    }

    @Test
    void lintFlagsPendingChangesAndStrictFailsOnThem() throws Exception {
        write("001_users.sql", "CREATE TABLE users (id int PRIMARY KEY, email text, plan text);");
        assertThat(flux("db", "migrate", "--dir", schema.toString()).exit()).isZero();
        write("002_drop_plan.sql", "ALTER TABLE users DROP COLUMN plan;");

        Run lint = flux("db", "lint", "--dir", schema.toString(), "--url", "http://127.0.0.1:1");
        Run strict = flux("db", "lint", "--strict", "--dir", schema.toString(), "--url", "http://127.0.0.1:1");
        Run plan = flux("db", "migrate", "--plan", "--dir", schema.toString(), "--url", "http://127.0.0.1:1");
        Run refused = flux("db", "migrate", "--strict", "--dir", schema.toString(), "--url", "http://127.0.0.1:1");

        assertThat(lint.exit()).isZero();
        assertThat(lint.out()).contains("lint: 1 pending file run on what the applied migrations produce")
                .contains("002_drop_plan.sql:1  drops-column  drops column public.users.plan (text, about 0 rows)")
                .contains("note: column usage not checked: cannot reach the flux server at http://127.0.0.1:1/")
                .contains("1 warning (--strict makes them fail)");
        assertThat(strict.exit()).isEqualTo(1);
        assertThat(plan.exit()).isZero();
        assertThat(plan.out()).contains("002_drop_plan.sql  apply").contains("drops-column");
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.out()).contains("nothing was run: lint flagged the pending files (--strict)");
        assertThat(flux("migrations", "list", "--dir", schema.toString()).out()).contains("002_drop_plan.sql")
                .contains("pending");
    }
}

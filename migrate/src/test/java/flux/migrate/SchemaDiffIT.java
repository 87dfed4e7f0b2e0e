package flux.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestPostgres;
import flux.migrate.Difference.Change;
import flux.pg.Transactions;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Declarative schema: diff a live database against a desired-state file, apply it, dump it. */
@ExtendWith(FluxTestInfra.class)
class SchemaDiffIT {
    static final String DESIRED = """
            CREATE TYPE mood AS ENUM ('ok', 'meh');
            CREATE TABLE orgs (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL UNIQUE);
            CREATE TABLE users (
                id         bigserial PRIMARY KEY,
                org_id     bigint REFERENCES orgs (id) ON DELETE CASCADE,
                email      varchar(200) NOT NULL,
                mood       mood DEFAULT 'ok',
                score      numeric(10, 2) CHECK (score >= 0),
                email_lc   text GENERATED ALWAYS AS (lower(email)) STORED,
                created_at timestamptz NOT NULL DEFAULT now()
            );
            CREATE INDEX users_email_lower ON users (lower(email)) WHERE org_id IS NOT NULL;
            CREATE VIEW org_users AS SELECT o.name, u.email FROM orgs o JOIN users u ON u.org_id = o.id;
            CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN NEW.created_at := now(); RETURN NEW; END; $$;
            CREATE TRIGGER users_touch BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION touch();
            ALTER TABLE users ENABLE ROW LEVEL SECURITY;
            CREATE POLICY users_own ON users FOR SELECT TO PUBLIC USING (email = current_user);
            CREATE TABLE events (at timestamptz NOT NULL, body jsonb) PARTITION BY RANGE (at);
            CREATE MATERIALIZED VIEW org_sizes AS SELECT org_id, count(*) AS n FROM users GROUP BY org_id;
            CREATE UNIQUE INDEX org_sizes_org ON org_sizes (org_id);
            """;
    private final MigrationFixture fx;
    private final TestPostgres pg;
    private final Path dir;

    SchemaDiffIT(TestPostgres pg, @TempDir Path dir) {
        this.pg = pg;
        this.dir = dir;
        this.fx = new MigrationFixture(pg, "schema_diff", dir);
    }

    private SchemaDiff differ() {
        return new SchemaDiff(fx.dataSource, DatabaseConnector.sameServer(fx.db.jdbcUrl(), fx.db.user(), fx.db.password()));
    }

    @Test
    void anEmptyDatabaseGetsEverythingAndAfterApplyingThereIsNoDifference() {
        fx.write("schema.sql", DESIRED);
        Path desired = dir.resolve("schema.sql");

        SchemaComparison plan = differ().diff(desired);

        assertThat(plan.builtIn()).isEqualTo("a scratch database");
        assertThat(plan.differences()).extracting(d -> d.change() + " " + d.kind() + " " + d.name()).contains(
                "MISSING table public.users", "MISSING enum public.mood", "MISSING view public.org_users",
                "MISSING function public.touch()", "MISSING sequence public.users_id_seq");
        assertThat(plan.statements()).first().isEqualTo("SET check_function_bodies = false");
        assertThat(plan.script()).contains("CREATE TYPE \"public\".\"mood\" AS ENUM ('ok', 'meh');")
                .contains("CREATE POLICY \"users_own\" ON \"public\".\"users\" AS PERMISSIVE FOR SELECT TO PUBLIC USING")
                .contains("ALTER SEQUENCE \"public\".\"users_id_seq\" OWNED BY public.users.id")
                .contains("ALTER TABLE \"public\".\"users\" ENABLE ROW LEVEL SECURITY");

        differ().apply(desired, false);

        assertThat(differ().diff(desired).differences()).isEmpty();
        assertThat(fx.column("SELECT email_lc FROM users")).isEmpty();
    }

    @Test
    void aDatabaseChangedByHandIsTakenBackByTheDiffsSql() {
        fx.write("schema.sql", DESIRED);
        Path desired = dir.resolve("schema.sql");
        differ().apply(desired, false);
        fx.execute("ALTER TABLE users ALTER COLUMN score TYPE numeric; ALTER TABLE users ALTER COLUMN mood DROP DEFAULT;"
                + " DROP INDEX users_email_lower; ALTER TABLE users ADD COLUMN extra int;"
                + " CREATE TABLE scratchpad (x int); DROP POLICY users_own ON users;"
                + " CREATE OR REPLACE VIEW org_users AS SELECT o.name, u.email FROM orgs o JOIN users u ON u.org_id = o.id"
                + " WHERE o.id > 0");

        SchemaComparison plan = differ().diff(desired);

        assertThat(plan.differences()).extracting(d -> d.change() + " " + d.kind() + " " + d.name()).containsExactly(
                "CHANGED view public.org_users", "EXTRA table public.scratchpad", "EXTRA column public.users.extra",
                "CHANGED column public.users.mood", "CHANGED column public.users.score",
                "MISSING index public.users.users_email_lower", "MISSING policy public.users.users_own");
        assertThat(plan.differences().get(4).live()).isEqualTo("numeric");
        assertThat(plan.differences().get(4).target()).isEqualTo("numeric(10,2)");
        assertThat(plan.destructive()).isTrue();
        assertThat(plan.statements()).contains(
                "ALTER TABLE \"public\".\"users\" ALTER COLUMN \"score\" TYPE numeric(10,2) USING \"score\"::numeric(10,2)",
                "ALTER TABLE \"public\".\"users\" DROP COLUMN \"extra\"", "DROP TABLE \"public\".\"scratchpad\"");
        assertThatThrownBy(() -> differ().apply(desired, false)).isInstanceOf(InvalidMigration.class)
                .hasMessageStartingWith("the desired state drops table public.scratchpad, column public.users.extra;"
                        + " nothing was applied");
        assertThat(fx.tableExists("scratchpad")).isTrue();

        differ().apply(desired, true);

        assertThat(differ().diff(desired).differences()).isEmpty();
    }

    @Test
    void theDumpRecreatesTheSameCatalogElsewhere() throws Exception {
        fx.write("schema.sql", DESIRED);
        differ().apply(dir.resolve("schema.sql"), false);

        String dump = differ().dump().script();
        TestPostgres copy = pg.newDatabase("schema_dump_copy");
        try (Connection c = copy.connect(); var st = c.createStatement()) {
            st.execute(dump);
        }

        assertThat(catalog(copy)).isEqualTo(catalog(fx.db));
    }

    @Test
    void withoutCreatedbTheDesiredStateIsBuiltInAScratchSchemaThatIsRolledBack() throws Exception {
        fx.execute("CREATE ROLE diff_nocreatedb LOGIN NOCREATEDB");
        TestPostgres owned = pg.newDatabase("schema_diff_nocreatedb");
        try (Connection c = owned.connect(); var st = c.createStatement()) {
            st.execute("ALTER DATABASE \"" + owned.database() + "\" OWNER TO diff_nocreatedb;"
                    + " ALTER SCHEMA public OWNER TO diff_nocreatedb");
        }
        var ds = new org.postgresql.ds.PGSimpleDataSource();
        ds.setUrl(owned.jdbcUrl());
        ds.setUser("diff_nocreatedb");
        SchemaDiff differ = new SchemaDiff(ds, DatabaseConnector.sameServer(owned.jdbcUrl(), "diff_nocreatedb", null));
        fx.write("schema.sql", "CREATE TABLE t (id int PRIMARY KEY, v text DEFAULT 'x');\nCREATE INDEX t_v ON t (v);");

        SchemaComparison plan = differ.diff(dir.resolve("schema.sql"));

        assertThat(plan.builtIn()).startsWith("a scratch schema");
        assertThat(plan.statements()).containsExactly(
                "CREATE TABLE \"public\".\"t\" (\n    \"id\" integer NOT NULL,\n    \"v\" text DEFAULT 'x'::text\n)",
                "ALTER TABLE \"public\".\"t\" ADD CONSTRAINT \"t_pkey\" PRIMARY KEY (id)",
                "CREATE INDEX t_v ON public.t USING btree (v)");
        try (Connection c = DriverManager.getConnection(owned.jdbcUrl(), "diff_nocreatedb", null);
             var rs = c.createStatement().executeQuery("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'flux_scratch%'")) {
            rs.next();
            assertThat(rs.getInt(1)).isZero();
        }
        fx.write("schema.sql", "CREATE TABLE t (id int);\nCREATE INDEX CONCURRENTLY t_id ON t (id);");
        assertThatThrownBy(() -> differ.diff(dir.resolve("schema.sql"))).isInstanceOf(InvalidMigration.class)
                .hasMessageContaining("grant the role CREATEDB");
    }

    private static List<Difference> catalog(TestPostgres db) throws Exception {
        try (Connection c = db.connect()) {
            SchemaCatalog read = Transactions.rollBackAfter(c, x -> CatalogReader.read(x, Set.of("public")));
            SchemaCatalog empty = new SchemaCatalog(Set.of(), java.util.Map.of(), java.util.Map.of());
            return CatalogDiff.compare(empty, read).stream()
                    .map(d -> new Difference(Change.MISSING, d.kind(), d.name(), null, d.target())).toList();
        }
    }
}

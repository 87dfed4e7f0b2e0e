package flux.app.tenancy;

import static org.assertj.core.api.Assertions.assertThat;

import flux.app.Cli;
import flux.app.TestServer;
import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestKafka;
import flux.dev.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** `flux tenants` provisioning and per-tenant migrations, from the CLI and at server start. */
@ExtendWith(FluxTestInfra.class)
class TenantMigrationsIT {
    private final TestPostgres db;
    private final TestKafka kafka;

    @TempDir
    Path home;

    TenantMigrationsIT(TestPostgres pg, TestKafka kafka) {
        this.db = pg.newDatabase("tenant_migrations");
        this.kafka = kafka;
    }

    private Cli cli(String... args) throws Exception {
        return Cli.against(db, home, args);
    }

    private String one(String sql) throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    @Test
    void eachSchemaTenantGetsTheFilesInItsSchemaWithItsOwnLedgerRows() throws Exception {
        Path dir = Files.createDirectories(home.resolve("tenants"));
        Files.writeString(dir.resolve("001_items.sql"), "CREATE TABLE items (id int PRIMARY KEY, name text);\n");
        Files.writeString(dir.resolve("002_note.sql"), "ALTER TABLE items ADD COLUMN note text;\n");
        Cli created = cli("tenants", "create", "mig-a", "--mode", "schema", "--quota", "10MB");
        assertThat(created.exitCode()).as(created.err()).isZero();
        assertThat(created.out()).contains("schema t_mig_a_api, role t_mig_a").contains("quota 10485760 bytes");
        assertThat(cli("tenants", "create", "mig-b", "--mode", "schema").exitCode()).isZero();
        assertThat(cli("tenants", "create", "mig-row").exitCode()).isZero();

        Cli migrated = cli("db", "migrate", "--tenant", "mig-a", "--dir", dir.toString());
        assertThat(migrated.exitCode()).as(migrated.err()).isZero();
        assertThat(migrated.out()).contains("t_mig_a_api");
        assertThat(one("SELECT count(*) FROM information_schema.columns WHERE table_schema = 't_mig_a_api'"
                + " AND table_name = 'items'")).isEqualTo("3");
        assertThat(one("SELECT to_regclass('public.items')")).isNull();
        assertThat(one("SELECT string_agg(version, ',' ORDER BY version) FROM flux.tenant_migrations"
                + " WHERE tenant_id = 'mig-a'")).isEqualTo("1,2");
        assertThat(one("SELECT count(*) FROM flux.tenant_migrations WHERE tenant_id = 'mig-b'")).isEqualTo("0");
        assertThat(one("SELECT to_regclass('flux.flux_migrations') IS NULL"
                + " OR (SELECT count(*) = 0 FROM flux.flux_migrations)")).isEqualTo("t");
        // The tenant role may use its tables but owns none of them.
        assertThat(one("SELECT has_table_privilege('t_mig_a', 't_mig_a_api.items', 'INSERT')"
                + " AND NOT pg_has_role('t_mig_a', (SELECT tableowner FROM pg_tables WHERE schemaname = 't_mig_a_api'"
                + " AND tablename = 'items'), 'USAGE')")).isEqualTo("t");
        assertThat(cli("db", "migrate", "--tenant", "mig-a", "--dir", dir.toString()).out())
                .doesNotContain("001_items");

        Cli row = cli("db", "migrate", "--tenant", "mig-row", "--dir", dir.toString());
        assertThat(row.exitCode()).isEqualTo(1);
        assertThat(row.err()).contains("flux tenants create mig-row --mode schema");

        // At server start, the tenant directory reaches every schema tenant (mig-b for the first time).
        Files.writeString(dir.resolve("003_tags.sql"), "CREATE TABLE tags (id int PRIMARY KEY);\n");
        try (TestServer ignored = TestServer.start(db, kafka, Map.of("flux.migrations.dir", home.resolve("none").toString(),
                "flux.migrations.tenant-dir", dir.toString(), "flux.tenancy.quota-interval", "0s"))) {
            assertThat(one("SELECT count(*) FROM pg_tables WHERE schemaname IN ('t_mig_a_api', 't_mig_b_api')"))
                    .isEqualTo("4");
            assertThat(one("SELECT count(*) FROM flux.tenant_migrations")).isEqualTo("6");
        }
        Cli measured = cli("tenants", "list", "--measure");
        assertThat(measured.out()).containsPattern("mig-a\\s+schema\\s+10485760\\s+[1-9][0-9]*");
    }

    @Test
    void rollbackWithATenantUndoesOnlyThatTenantsMigrationsInItsSchema() throws Exception {
        Path dir = Files.createDirectories(home.resolve("tenants"));
        Files.writeString(dir.resolve("001_items.up.sql"), "CREATE TABLE items (id int PRIMARY KEY);\n");
        Files.writeString(dir.resolve("001_items.down.sql"), "DROP TABLE items;\n");
        Files.writeString(dir.resolve("002_tags.up.sql"), "CREATE TABLE tags (id int PRIMARY KEY);\n");
        Files.writeString(dir.resolve("002_tags.down.sql"), "DROP TABLE tags;\n");
        Path global = Files.createDirectories(home.resolve("global"));
        Files.writeString(global.resolve("001_items.up.sql"), "CREATE TABLE items (id int PRIMARY KEY);\n");
        Files.writeString(global.resolve("001_items.down.sql"), "DROP TABLE items;\n");
        for (String tenant : new String[] {"rb-a", "rb-b"}) {
            assertThat(cli("tenants", "create", tenant, "--mode", "schema").exitCode()).isZero();
            assertThat(cli("db", "migrate", "--tenant", tenant, "--dir", dir.toString()).exitCode()).isZero();
        }
        assertThat(cli("tenants", "create", "rb-row").exitCode()).isZero();
        assertThat(cli("db", "migrate", "--dir", global.toString()).exitCode()).isZero();

        Cli plan = cli("db", "rollback", "--tenant", "rb-a", "--to", "0", "--plan", "--dir", dir.toString());
        assertThat(plan.exitCode()).as(plan.err()).isZero();
        assertThat(plan.out()).contains("2 to run against").contains("tenant rb-a, schema t_rb_a_api")
                .containsSubsequence("002_tags.down.sql", "001_items.down.sql");
        assertThat(tables("t_rb_a_api")).isEqualTo("items,tags");

        Cli last = cli("db", "rollback", "--tenant", "rb-a", "--dir", dir.toString());
        assertThat(last.exitCode()).as(last.err()).isZero();
        assertThat(last.out()).startsWith("undid 002_tags.up.sql with 002_tags.down.sql (").contains("tenant rb-a");
        assertThat(tables("t_rb_a_api")).isEqualTo("items");
        assertThat(ledger("rb-a")).isEqualTo("1");

        Cli all = cli("db", "rollback", "--tenant", "rb-a", "--to", "0", "--dir", dir.toString());
        assertThat(all.exitCode()).as(all.err()).isZero();
        assertThat(all.out()).contains("undid 001_items.up.sql");
        assertThat(tables("t_rb_a_api")).isNull();
        assertThat(ledger("rb-a")).isNull();
        // The other tenant's schema and ledger, and the database's own, are untouched.
        assertThat(tables("t_rb_b_api")).isEqualTo("items,tags");
        assertThat(ledger("rb-b")).isEqualTo("1,2");
        assertThat(tables("public")).isEqualTo("items");
        assertThat(one("SELECT string_agg(version, ',') FROM flux.flux_migrations")).isEqualTo("1");

        Cli unknown = cli("db", "rollback", "--tenant", "nobody", "--dir", dir.toString());
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).contains("unknown tenant nobody");
        Cli row = cli("db", "rollback", "--tenant", "rb-row", "--plan", "--dir", dir.toString());
        assertThat(row.exitCode()).isEqualTo(1);
        assertThat(row.err()).contains("rb-row is row-level");
        assertThat(tables("t_rb_b_api")).isEqualTo("items,tags");
    }

    private String tables(String schema) throws Exception {
        return one("SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE schemaname = '"
                + schema + "'");
    }

    private String ledger(String tenant) throws Exception {
        return one("SELECT string_agg(version, ',' ORDER BY version) FROM flux.tenant_migrations WHERE tenant_id = '"
                + tenant + "'");
    }

    @Test
    void badTenantArgumentsAreUsageErrors() throws Exception {
        assertThat(cli("tenants", "create", "a b").exitCode()).isEqualTo(2);
        Cli mode = cli("tenants", "create", "ok", "--mode", "cluster");
        assertThat(mode.exitCode()).isEqualTo(2);
        assertThat(mode.err()).contains("row or schema");
        Cli quota = cli("tenants", "create", "ok", "--quota", "10XB");
        assertThat(quota.exitCode()).isEqualTo(2);
        assertThat(quota.err()).contains("invalid size");
        Cli unknown = cli("db", "migrate", "--tenant", "nobody", "--dir", home.toString());
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).contains("unknown tenant nobody");
    }
}

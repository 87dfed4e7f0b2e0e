package flux.app.console;

import static org.assertj.core.api.Assertions.assertThat;

import flux.app.Cli;
import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code flux tenants backup} and {@code restore} as a user runs them: files, messages, exit codes. */
@ExtendWith(FluxTestInfra.class)
class TenantBackupCliIT {
    private final TestPostgres db;
    private final Path home;

    TenantBackupCliIT(TestPostgres pg, @TempDir Path home) {
        db = pg.newDatabase("tenant_backup_cli");
        this.home = home;
    }

    @Test
    void aBackupRestoresItsTenantAndAnotherTenantsFileIsAUsageOfFromTenant() throws Exception {
        assertThat(cli("tenants", "create", "cli-initech", "--mode", "schema").exitCode()).isZero();
        assertThat(cli("tenants", "create", "cli-hooli", "--mode", "schema").exitCode()).isZero();
        sql("CREATE TABLE t_cli_initech_api.items (id int PRIMARY KEY, name text)",
                "INSERT INTO t_cli_initech_api.items VALUES (1, 'widget'), (2, 'gadget')");
        Path file = home.resolve("initech.fluxbak");

        Cli backup = cli("tenants", "backup", "cli-initech", "--out", file.toString());
        assertThat(backup.exitCode()).as(backup.err()).isZero();
        assertThat(backup.out()).contains("backed up schema-level tenant cli-initech", "1 tables", "2 rows");
        sql("DELETE FROM t_cli_initech_api.items WHERE id = 2");

        Cli restore = cli("tenants", "restore", "cli-initech", "--from", file.toString());
        assertThat(restore.exitCode()).as(restore.err()).isZero();
        assertThat(restore.out()).startsWith("restored cli-initech");
        assertThat(count("SELECT count(*) FROM t_cli_initech_api.items")).isEqualTo(2);

        Cli refused = cli("tenants", "restore", "cli-hooli", "--from", file.toString());
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err().strip()).startsWith("flux: ").contains("--from-tenant cli-initech").doesNotContain("\n");
        Cli missing = cli("tenants", "restore", "cli-hooli", "--from", home.resolve("none").toString());
        assertThat(missing.exitCode()).isEqualTo(1);
        Cli usage = cli("tenants", "backup", "cli-initech");
        assertThat(usage.exitCode()).isEqualTo(2);
    }

    private Cli cli(String... args) throws Exception {
        return Cli.against(db, home, args);
    }

    private void sql(String... statements) throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }

    private long count(String sql) throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}

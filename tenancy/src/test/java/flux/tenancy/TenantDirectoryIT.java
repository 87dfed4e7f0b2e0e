package flux.tenancy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Which schema a tenant owns is stored with the tenant, so its owner is read, never parsed from the name. */
@ExtendWith(FluxTestInfra.class)
class TenantDirectoryIT {
    private final TestPostgres db;
    private final TenantDirectory directory;

    TenantDirectoryIT(TestPostgres pg) throws Exception {
        db = pg.newDatabase("tenant_directory");
        TenancyDatabase.install(db.dataSource());
        directory = new TenantDirectory(db.dataSource(), Duration.ZERO);
    }

    private String schemaOwnedBy(String tenant) throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT schema_name FROM flux.tenants WHERE id = '" + tenant + "'")) {
            return rs.next() ? rs.getString(1) : "(no tenant)";
        }
    }

    @Test
    void aSchemaTenantRecordsItsSchemaAndKeepsItWhenTurningRowLevel() throws Exception {
        directory.provision("dir-acme", TenantScope.Isolation.SCHEMA, null);
        directory.provision("dir-row", TenantScope.Isolation.ROW, null);
        assertThat(schemaOwnedBy("dir-acme")).isEqualTo("t_dir_acme_api");
        assertThat(schemaOwnedBy("dir-row")).isNull();

        directory.provision("dir-acme", TenantScope.Isolation.ROW, 10L);
        assertThat(schemaOwnedBy("dir-acme")).isEqualTo("t_dir_acme_api");
    }

    @Test
    void anIdThatNamesAnotherTenantsSchemaIsRefused() throws Exception {
        directory.provision("dir-initech", TenantScope.Isolation.SCHEMA, null);
        for (String lookalike : new String[] {"dir_initech", "DIR-Initech"}) {
            assertThatThrownBy(() -> directory.provision(lookalike, TenantScope.Isolation.SCHEMA, null))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("schema t_dir_initech_api already belongs to tenant dir-initech");
            assertThat(schemaOwnedBy(lookalike)).isEqualTo("(no tenant)");
        }
        assertThat(directory.provision("dir_initech", TenantScope.Isolation.ROW, null).isolation())
                .isEqualTo(TenantScope.Isolation.ROW);
    }

    @Test
    void schemaTenantsFromBeforeTheColumnAreFilledInWhereTheOwnerIsUnambiguous() throws Exception {
        directory.provision("dir-hooli", TenantScope.Isolation.SCHEMA, null);
        directory.provision("dir-umbrella", TenantScope.Isolation.SCHEMA, null);
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            // As written before schema_name existed, with two ids folding to one schema.
            st.execute("UPDATE flux.tenants SET schema_name = NULL");
            st.execute("INSERT INTO flux.tenants (id, isolation) VALUES ('dir_umbrella', 'schema')");
        }
        TenancyDatabase.install(db.dataSource());
        assertThat(schemaOwnedBy("dir-hooli")).isEqualTo("t_dir_hooli_api");
        assertThat(schemaOwnedBy("dir-umbrella")).isNull();
        assertThat(schemaOwnedBy("dir_umbrella")).isNull();
    }
}

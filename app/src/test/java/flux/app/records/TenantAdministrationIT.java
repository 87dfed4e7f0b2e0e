package flux.app.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestPostgres;
import flux.app.wiring.FluxSchema;
import flux.tenancy.TenantScope;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Tenants kept by Micronaut Data in flux.tenants, each change in flux.audit_log. Which schema a
 * tenant owns is stored with the tenant, so its owner is read, never parsed from the name.
 */
@ExtendWith(FluxTestInfra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TenantAdministrationIT {
    private final TestRecords records;
    private final TestPostgres db;
    private final TenantAdministration tenants;

    TenantAdministrationIT(TestPostgres pg) throws Exception {
        records = TestRecords.start(pg, "tenant_administration");
        db = records.db();
        tenants = records.context().get(TenantAdministration.class);
    }

    @AfterAll
    void close() {
        records.close();
    }

    private String schemaOwnedBy(String tenant) throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT schema_name FROM flux.tenants WHERE id = '" + tenant + "'")) {
            return rs.next() ? rs.getString(1) : "(no tenant)";
        }
    }

    @Test
    void aSchemaTenantRecordsItsSchemaAndKeepsItWhenTurningRowLevel() throws Exception {
        tenants.provision(AuditLog.CLI, "dir-acme", TenantScope.Isolation.SCHEMA, null);
        tenants.provision(AuditLog.CLI, "dir-row", TenantScope.Isolation.ROW, null);
        assertThat(schemaOwnedBy("dir-acme")).isEqualTo("t_dir_acme_api");
        assertThat(schemaOwnedBy("dir-row")).isNull();

        tenants.provision(AuditLog.CLI, "dir-acme", TenantScope.Isolation.ROW, 10L);
        assertThat(schemaOwnedBy("dir-acme")).isEqualTo("t_dir_acme_api");
    }

    @Test
    void anIdThatNamesAnotherTenantsSchemaIsRefusedAndNotAudited() throws Exception {
        tenants.provision(AuditLog.CLI, "dir-initech", TenantScope.Isolation.SCHEMA, null);
        for (String lookalike : new String[] {"dir_initech", "DIR-Initech"}) {
            assertThatThrownBy(() -> tenants.provision(AuditLog.CLI, lookalike, TenantScope.Isolation.SCHEMA, null))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("schema t_dir_initech_api already belongs to tenant dir-initech");
            assertThat(schemaOwnedBy(lookalike)).isEqualTo("(no tenant)");
            assertThat(AuditRows.of(db, lookalike)).isEmpty();
        }
        assertThat(tenants.provision(AuditLog.CLI, "dir_initech", TenantScope.Isolation.ROW, null).isolation())
                .isEqualTo(TenantScope.Isolation.ROW);
    }

    @Test
    void schemaTenantsFromBeforeTheColumnAreFilledInWhereTheOwnerIsUnambiguous() throws Exception {
        tenants.provision(AuditLog.CLI, "dir-hooli", TenantScope.Isolation.SCHEMA, null);
        tenants.provision(AuditLog.CLI, "dir-umbrella", TenantScope.Isolation.SCHEMA, null);
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            // As written before schema_name existed, with two ids folding to one schema.
            st.execute("UPDATE flux.tenants SET schema_name = NULL WHERE id IN ('dir-hooli', 'dir-umbrella')");
            st.execute("INSERT INTO flux.tenants (id, isolation) VALUES ('dir_umbrella', 'schema')");
        }
        FluxSchema.install(db.dataSource());
        assertThat(schemaOwnedBy("dir-hooli")).isEqualTo("t_dir_hooli_api");
        assertThat(schemaOwnedBy("dir-umbrella")).isNull();
        assertThat(schemaOwnedBy("dir_umbrella")).isNull();
    }

    @Test
    void provisioningIsAuditedAsACreationThenAsChangesFromWhatWasBefore() throws Exception {
        tenants.provision(AuditLog.CLI, "dir-globex", TenantScope.Isolation.ROW, null);
        tenants.provision(AuditLog.CLI, "dir-globex", TenantScope.Isolation.SCHEMA, 5000L);
        assertThat(AuditRows.of(db, "dir-globex")).containsExactly(
                new AuditRows("cli", "dir-globex", "tenant.create", "dir-globex", "{\"isolation\": \"row\"}"),
                new AuditRows("cli", "dir-globex", "tenant.update", "dir-globex", "{\"isolation\": \"schema\","
                        + " \"quota_bytes\": 5000, \"previous_isolation\": \"row\"}"));
    }

    @Test
    void aMeasurementIsRecordedWithTheTenant() throws Exception {
        tenants.provision(AuditLog.CLI, "dir-measured", TenantScope.Isolation.SCHEMA, 1L);
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE t_dir_measured_api.items (id int PRIMARY KEY)");
        }
        assertThat(tenants.measureAll()).filteredOn(t -> t.id().equals("dir-measured")).singleElement()
                .satisfies(t -> {
                    assertThat(t.usedBytes()).isPositive();
                    assertThat(t.measuredAt()).isNotNull();
                    assertThat(t.overQuota()).isTrue();
                });
        assertThat(tenants.list()).filteredOn(t -> t.id().equals("dir-measured")).singleElement()
                .satisfies(t -> assertThat(t.usedBytes()).isPositive());
    }
}

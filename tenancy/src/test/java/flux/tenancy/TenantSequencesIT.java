package flux.tenancy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestPostgres;
import flux.query.QueryEngine;
import flux.query.model.Query;
import flux.query.model.RequestId;
import flux.query.testing.EngineFixture;
import flux.tenancy.TenantScope.Isolation;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Tenants inserting rows whose key the table generates (serial, bigserial, identity, a uuid
 * default), in both isolation modes, into tables created before the tenant and after it: the
 * runtime roles need the tables' sequences, not only the tables, or PostgreSQL answers
 * "permission denied for sequence".
 */
@ExtendWith(FluxTestInfra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TenantSequencesIT {
    private static final TenantScope ROW = new TenantScope("seq-acme", Isolation.ROW, false);
    private static final TenantScope SCHEMA = new TenantScope("seq-initech", Isolation.SCHEMA, false);
    private static final String SCHEMA_NAME = TenantSchemas.schemaOf("seq-initech");

    /** One table per kind of generated key: its key column. */
    private static final Map<String, String> KEYS = Map.of(
            "serial", "id serial PRIMARY KEY",
            "bigserial", "id bigserial PRIMARY KEY",
            "identity", "id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
            "uuid", "id uuid DEFAULT gen_random_uuid() PRIMARY KEY");

    private final EngineFixture fx;
    private final QueryEngine engine;

    TenantSequencesIT(TestPostgres pg) throws Exception {
        fx = new EngineFixture(pg, "tenant_sequences", "SELECT 1");
        // Before the tenants: row tables, and a schema a tenant is later created over.
        fx.execute("CREATE SCHEMA " + SCHEMA_NAME);
        createTables("public", "before_", true);
        createTables(SCHEMA_NAME, "before_", false);
        try (Connection c = fx.dataSource.getConnection()) {
            TenantPolicies.installRuntimeRole(c);
            TenantPolicies.isolateAll(c);
            TenantSchemas.provision(c, "seq-initech");
        }
        // After them: a schema tenant's migrations, and row tables the server isolates on its next start.
        createTables("public", "after_", true);
        createTables(SCHEMA_NAME, "after_", false);
        try (Connection c = fx.dataSource.getConnection()) {
            TenantPolicies.isolateAll(c);
        }
        engine = fx.engine;
        engine.catalog().refresh();
    }

    @AfterAll
    void close() {
        fx.close();
    }

    private void createTables(String schema, String prefix, boolean tenantColumn) {
        KEYS.forEach((kind, key) -> fx.execute("CREATE TABLE " + schema + "." + prefix + kind + " (" + key
                + (tenantColumn ? ", tenant_id text" : "") + ", body text)"));
    }

    private JsonNode insert(TenantScope scope, String table) {
        List<JsonNode> rows = engine.query(RequestId.generate(), null, scope,
                Query.insert(table).set(Map.of("body", "b")).build()).rows();
        assertThat(rows).as(table).hasSize(1);
        return rows.get(0);
    }

    @Test
    void aRowTenantInsertsIntoTablesWithGeneratedKeysCreatedBeforeAndAfterIt() {
        for (String prefix : List.of("before_", "after_")) {
            for (String kind : KEYS.keySet()) {
                JsonNode first = insert(ROW, prefix + kind);
                JsonNode second = insert(ROW, prefix + kind);
                assertThat(first.get("tenant_id").asText()).isEqualTo("seq-acme");
                assertThat(first.get("id").asText()).as(prefix + kind).isNotBlank().isNotEqualTo(second.get("id").asText());
            }
        }
        assertThat(fx.one("SELECT count(*) FROM flux.state_mutations WHERE tenant_id = 'seq-acme'")).isEqualTo("16");
    }

    @Test
    void aSchemaTenantInsertsIntoItsTablesWithGeneratedKeysCreatedBeforeAndAfterIt() {
        for (String prefix : List.of("before_", "after_")) {
            for (String kind : KEYS.keySet()) {
                JsonNode first = insert(SCHEMA, prefix + kind);
                assertThat(first.get("id").asText()).as(prefix + kind).isNotBlank()
                        .isNotEqualTo(insert(SCHEMA, prefix + kind).get("id").asText());
            }
        }
        assertThat(fx.one("SELECT count(*) FROM flux.state_mutations WHERE tenant_id = 'seq-initech'")).isEqualTo("16");
    }

    @Test
    void theRuntimeRoleMayDrawFromASharedSequenceButNotReadHowFarOthersTookIt() {
        for (String sequence : List.of("public.before_serial_id_seq", "public.after_identity_id_seq")) {
            assertThat(fx.one("SELECT has_sequence_privilege('flux_runtime', '" + sequence + "', 'USAGE')"))
                    .as(sequence).isEqualTo("t");
            assertThat(fx.one("SELECT has_sequence_privilege('flux_runtime', '" + sequence + "', 'SELECT')"))
                    .as(sequence).isEqualTo("f");
        }
    }
}

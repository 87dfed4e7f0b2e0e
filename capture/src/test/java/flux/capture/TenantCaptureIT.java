package flux.capture;

import static flux.capture.CaptureFixtures.config;
import static flux.capture.CaptureFixtures.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import flux.capture.snapshot.SnapshotStore;
import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestKafka;
import flux.dev.testing.TestPostgres;
import flux.query.QueryEngine;
import flux.tenancy.TenantPolicies;
import flux.tenancy.TenantSchemas;
import flux.tenancy.TenantScope;
import flux.query.model.Query;
import flux.query.model.RequestId;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Tenants' changes, through the API or raw SQL, carry their tenant to Kafka, the log and capture's figures;
 * a snapshot's READ messages carry the same tenant as the row's changes.
 */
@ExtendWith(FluxTestInfra.class)
class TenantCaptureIT {
    private final TestPostgres db;
    private final TestKafka kafka;

    TenantCaptureIT(TestPostgres pg, TestKafka kafka) throws Exception {
        this.db = pg.newDatabase("tenant_capture");
        this.kafka = kafka;
        CaptureFixtures.installFluxSchema(db);
    }

    @Test
    void changesCarryTheTenantInAHeaderTheValueAndTheStatus() throws Exception {
        String slot = unique("tenants");
        String table = unique("notes");
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE public." + table + " (id int PRIMARY KEY, tenant_id text NOT NULL, body text)");
            TenantPolicies.installRuntimeRole(c);
            TenantPolicies.isolateAll(c);
            // Written before capture: only a snapshot publishes it.
            st.execute("INSERT INTO public." + table + " VALUES (3, 'cap-initech', 'before capture')");
        }
        CapturePipeline pipeline = CaptureFixtures.startStreaming(config(db, kafka.bootstrapServers(), slot));
        try (TopicReader reader = new TopicReader(kafka.bootstrapServers(), "flux.public." + table)) {
            new QueryEngine(db.dataSource()).query(RequestId.of("cap-acme"), null,
                    new TenantScope("cap-acme", TenantScope.Isolation.ROW, false),
                    Query.insert(table).set(Map.of("id", 1, "body", "api")).build());
            CaptureFixtures.execute(db, "INSERT INTO public." + table + " VALUES (2, 'cap-globex', 'raw sql')");

            await().atMost(Duration.ofSeconds(60)).until(() -> reader.poll().size() >= 2);
            assertThat(reader.messages()).extracting(TopicReader.Message::tenantIdHeader)
                    .containsExactly("cap-acme", "cap-globex");
            assertThat(reader.messages()).extracting(m -> m.value().get("tenant_id").asText())
                    .containsExactly("cap-acme", "cap-globex");
            await().atMost(Duration.ofSeconds(30)).until(() -> pipeline.status().eventsByTenant().size() == 2);
            assertThat(pipeline.status().eventsByTenant()).containsEntry("cap-acme", 1L).containsEntry("cap-globex", 1L);
            // The raw write's record, added by capture, carries the row's tenant, so its history has it.
            await().atMost(Duration.ofSeconds(30)).until(() -> walRecordTenant(table) != null);
            assertThat(walRecordTenant(table)).isEqualTo("cap-globex");

            // A snapshot's READ messages carry the tenant the row's writes carry (its tenant_id column).
            Map<String, String> reads = snapshotReadTenants(reader, table, 3);
            assertThat(reads).containsExactlyInAnyOrderEntriesOf(Map.of(
                    "1", "cap-acme", "2", "cap-globex", "3", "cap-initech"));
        } finally {
            pipeline.close();
            CaptureFixtures.dropSlot(db, slot);
        }
    }

    @Test
    void aRawWriteIntoASchemaTenantsTableIsThatTenantsInTheLogAndInKafka() throws Exception {
        // Mixed case: the schema t_cap_initech_api cannot be parsed back into this id; its owner is read.
        String tenant = "Cap-Initech";
        String slot = unique("schema_tenant");
        String table = unique("items");
        String schema = TenantSchemas.schemaOf(tenant);
        // A schema tenant as `flux tenants create --mode schema` leaves it: capture reads its owner.
        try (Connection c = db.connect()) {
            TenantSchemas.provision(c, tenant);
        }
        CaptureFixtures.execute(db, "INSERT INTO flux.tenants (id, isolation, schema_name) VALUES ('" + tenant
                + "', 'schema', '" + schema + "')");
        CaptureFixtures.execute(db, "CREATE TABLE " + schema + "." + table + " (id int PRIMARY KEY, name text)");
        CapturePipeline pipeline = CaptureFixtures.startStreaming(config(db, kafka.bootstrapServers(), slot));
        try (TopicReader reader = new TopicReader(kafka.bootstrapServers(), "flux." + schema + "." + table)) {
            new QueryEngine(db.dataSource()).query(RequestId.of("cap-initech-api"), null,
                    new TenantScope(tenant, TenantScope.Isolation.SCHEMA, false),
                    Query.insert(table).set(Map.of("id", 1, "name", "api")).build());
            CaptureFixtures.execute(db, "UPDATE " + schema + "." + table + " SET name = 'raw sql' WHERE id = 1");

            await().atMost(Duration.ofSeconds(60)).until(() -> reader.poll().size() >= 2);
            assertThat(reader.messages()).extracting(m -> m.value().get("source").asText())
                    .containsExactly("api", "wal");
            assertThat(reader.messages()).extracting(TopicReader.Message::tenantIdHeader)
                    .containsExactly(tenant, tenant);
            assertThat(reader.messages()).extracting(m -> m.value().path("tenant_id").asText())
                    .containsExactly(tenant, tenant);
            await().atMost(Duration.ofSeconds(30)).until(() -> walRecordTenant(table) != null);
            assertThat(walRecordTenant(table)).isEqualTo(tenant);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(pipeline.status().eventsByTenant()).containsEntry(tenant, 2L));

            // The schema's owner, for a snapshot's READ messages too.
            assertThat(snapshotReadTenants(reader, schema + "." + table, 1))
                    .containsExactlyInAnyOrderEntriesOf(Map.of("1", tenant));
        } finally {
            pipeline.close();
            CaptureFixtures.dropSlot(db, slot);
        }
    }

    /**
     * Snapshots the table and waits for its {@code rows} READ messages: each row's {@code flux-tenant-id}
     * header (the value's {@code tenant_id} must say the same), by row id.
     */
    private Map<String, String> snapshotReadTenants(TopicReader reader, String table, int rows) throws Exception {
        String id;
        try (Connection c = db.connect()) {
            id = SnapshotStore.create(c, table, null, 64).id();
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> reads(reader.poll(), id).size() >= rows);
        Map<String, String> tenants = new HashMap<>();
        for (TopicReader.Message m : reads(reader.messages(), id)) {
            assertThat(m.value().path("tenant_id").asText(null)).as("tenant_id of %s", m.value())
                    .isEqualTo(m.tenantIdHeader());
            tenants.put(m.value().get("row_id").asText(), m.tenantIdHeader());
        }
        return tenants;
    }

    private static List<TopicReader.Message> reads(List<TopicReader.Message> messages, String snapshotId) {
        return messages.stream().filter(m -> snapshotId.equals(m.value().path("snapshot_id").asText())).toList();
    }

    private String walRecordTenant(String table) throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT coalesce(tenant_id, '(none)') FROM flux.state_mutations"
                     + " WHERE source = 'wal' AND table_name = '" + table + "'")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}

package flux.capture;

import static flux.capture.CaptureFixtures.config;
import static flux.capture.CaptureFixtures.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestKafka;
import flux.dev.testing.TestPostgres;
import flux.query.QueryEngine;
import flux.query.access.TenantPolicies;
import flux.query.access.TenantScope;
import flux.query.model.Query;
import flux.query.model.RequestId;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Row-level tenants' changes carry their tenant to Kafka and into capture's figures. */
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
        } finally {
            pipeline.close();
            CaptureFixtures.dropSlot(db, slot);
        }
    }

    private String walRecordTenant(String table) throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT tenant_id FROM flux.state_mutations WHERE source = 'wal'"
                     + " AND table_name = '" + table + "'")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}

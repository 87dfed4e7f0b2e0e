package flux.capture;

import static flux.capture.CaptureFixtures.config;
import static flux.capture.CaptureFixtures.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import flux.capture.kafka.KafkaTopics;
import flux.capture.kafka.TopicNames;
import flux.capture.kafka.TopicSettings;
import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestKafka;
import flux.dev.testing.TestPostgres;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What issue 22 adds to capture's Kafka side, against the shared test broker (which has
 * auto-create on: the topics are shown to exist, with capture's settings, before the first record).
 */
@ExtendWith(FluxTestInfra.class)
class StreamContractIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final TopicSettings TOPICS = new TopicSettings(3, null, 3_600_000L);
    private final TestPostgres db;
    private final TestKafka kafka;
    private final Admin admin;
    private String slot;
    private String table;
    private CapturePipeline pipeline;
    private EngineWrites writes;

    StreamContractIT(TestPostgres pg, TestKafka kafka) throws SQLException {
        this.db = pg.newDatabase("stream_contract");
        this.kafka = kafka;
        CaptureFixtures.installFluxSchema(db);
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        this.admin = Admin.create(p);
    }

    @BeforeEach
    void startCapture() throws SQLException {
        slot = unique("contract");
        table = unique("accounts");
        writes = EngineWrites.on(db);
        writes.createTable(table);
        pipeline = CaptureFixtures.startStreaming(config(db, kafka.bootstrapServers(), slot).withTopics(TOPICS));
    }

    @AfterEach
    void stopCapture() {
        try {
            pipeline.close();
            writes.close();
            admin.close();
        } finally {
            CaptureFixtures.dropSlot(db, slot);
        }
    }

    @Test
    void topicsAreMadeWithTheSettingsBeforeTheFirstRecordAlsoForTablesThatJoinLater() throws Exception {
        // Nothing was written yet: the broker's auto-create (1 partition) had no occasion to make these.
        String tableTopic = TopicNames.forTable("public", table);
        assertThat(admin.listTopics().names().get()).contains(tableTopic, TopicNames.ROLLED_BACK,
                TopicNames.SCHEMA_CHANGES, TopicNames.TRANSACTIONS);
        assertThat(partitions(tableTopic)).isEqualTo(3);
        assertThat(retentionMs(tableTopic)).isEqualTo("3600000");

        String later = unique("joined_later");
        writes.createTable(later);
        CaptureFixtures.execute(db, "NOTIFY flux_schema_changed");
        String laterTopic = TopicNames.forTable("public", later);
        await().atMost(WAIT).until(() -> admin.listTopics().names().get().contains(laterTopic));
        assertThat(partitions(laterTopic)).isEqualTo(3);
    }

    @Test
    void aTopicWithFewerPartitionsIsReportedAndLeftAlone() throws Exception {
        String existing = "flux.public." + unique("narrow");
        admin.createTopics(List.of(new NewTopic(existing, 1, (short) 1))).all().get();
        String fresh = "flux.public." + unique("fresh");
        try (KafkaTopics topics = new KafkaTopics(kafka.bootstrapServers(), TOPICS)) {
            KafkaTopics.Report report = topics.ensureAll(List.of(existing, fresh));
            assertThat(report.created()).containsExactly(fresh);
            assertThat(report.found()).containsExactly(existing);
            assertThat(report.fewerPartitions()).isEqualTo(Map.of(existing, 1));
            assertThat(topics.ensureAll(List.of(existing, fresh)).found()).as("checked once").isEmpty();
        }
        assertThat(partitions(existing)).isEqualTo(1);
        assertThat(partitions(fresh)).isEqualTo(3);
    }

    private int partitions(String topic) throws Exception {
        TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
        return d.partitions().size();
    }

    private String retentionMs(String topic) throws Exception {
        ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return admin.describeConfigs(List.of(r)).all().get().get(r).get("retention.ms").value();
    }
}

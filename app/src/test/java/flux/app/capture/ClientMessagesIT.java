package flux.app.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import flux.capture.testing.RunningCapture;
import flux.client.FluxChange;
import flux.client.FluxMessage;
import flux.client.FluxMessageException;
import flux.client.FluxRolledBack;
import flux.client.FluxSchemaChange;
import flux.client.Topics;
import flux.client.kafka.ChangeDeserializer;
import flux.client.kafka.FluxMessageDeserializer;
import flux.client.kafka.FluxRecords;
import flux.client.kafka.RolledBackDeserializer;
import flux.client.kafka.SchemaChangeDeserializer;
import flux.client.testing.MessageSchemas;
import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestKafka;
import flux.dev.testing.TestPostgres;
import flux.query.ConstraintViolation;
import flux.query.QueryEngine;
import flux.query.model.Op;
import flux.query.model.Query;
import flux.query.model.RequestId;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Real messages: writes through the engine and raw SQL, a rolled-back attempt, a key change, a
 * TRUNCATE and a DDL, published by a running capture to the test Kafka and read back with
 * kafka-clients. Every message validates against its JSON Schema and reads into its record through
 * the deserializers, with what was written. Here in app, where the client and capture meet, beside
 * the module's shared Postgres and Kafka (a test JVM of client's own would start another pair).
 */
@ExtendWith(FluxTestInfra.class)
class ClientMessagesIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private final TestPostgres db;
    private final TestKafka kafka;

    ClientMessagesIT(TestPostgres pg, TestKafka kafka) {
        this.db = pg.newDatabase("client_messages");
        this.kafka = kafka;
        RunningCapture.installCaptureSchema(db.dataSource());
    }

    @Test
    void realMessagesOfEveryKindValidateAgainstTheSchemasAndDeserialize() throws Exception {
        String items = "items_" + UUID.randomUUID().toString().substring(0, 8);
        String scratch = items + "_scratch";
        db.execute("CREATE TABLE public." + items + " (id bigint PRIMARY KEY, name text NOT NULL, qty int, tags text[],"
                + " at timestamptz DEFAULT now());"
                + " CREATE TABLE public." + scratch + " (id int PRIMARY KEY)");
        List<String> topics = List.of(Topics.forTable("public", items), Topics.forTable("public", scratch),
                Topics.ROLLED_BACK, Topics.SCHEMA_CHANGES, Topics.TRANSACTIONS);
        QueryEngine engine = new QueryEngine(db.dataSource());
        try (RunningCapture capture = RunningCapture.start(db, kafka);
             KafkaConsumer<byte[], byte[]> consumer = consumer(topics)) {
            engine.query(RequestId.of("cl-1"), Query.insert(items).set(Map.of("id", 1, "name", "ada", "qty", 2,
                    "tags", List.of("a", "b"))).build());
            engine.transaction(RequestId.of("cl-2"), tx -> {
                tx.query(Query.insert(items).set(Map.of("id", 2, "name", "bob")).build());
                tx.query(Query.update(items).set(Map.of("qty", 3)).where("id", Op.EQ, 1).build());
                tx.query(Query.insert(scratch).set(Map.of("id", 1)).build());
            });
            engine.query(RequestId.of("cl-3"), Query.update(items).set(Map.of("id", 3)).where("id", Op.EQ, 2).build());
            assertThatThrownBy(() -> engine.query(RequestId.of("cl-4"),
                    Query.insert(items).set(Map.of("id", 1, "name", "dup")).build())).isInstanceOf(ConstraintViolation.class);
            engine.query(RequestId.of("cl-5"), Query.delete(items).where("id", Op.EQ, 3).build());
            db.execute("UPDATE public." + items + " SET name = 'raw' WHERE id = 1");
            db.execute("ALTER TABLE public." + items + " ADD COLUMN note text DEFAULT 'n'");
            db.execute("TRUNCATE public." + scratch);
            capture.awaitCaughtUp();

            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            await().atMost(WAIT).until(() -> {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (seen.add(r.topic() + ":" + r.partition() + ":" + r.offset()) && concerns(r, items, scratch)) {
                        records.add(r);
                    }
                }
                return records.stream().filter(r -> r.topic().equals(Topics.forTable("public", items))).count() >= 6
                        && records.stream().anyMatch(r -> r.topic().equals(Topics.ROLLED_BACK))
                        && records.stream().anyMatch(r -> r.topic().equals(Topics.SCHEMA_CHANGES))
                        && records.stream().filter(r -> r.topic().equals(Topics.forTable("public", scratch))).count() >= 2;
            });

            for (ConsumerRecord<byte[], byte[]> r : records) {
                String value = new String(r.value(), StandardCharsets.UTF_8);
                assertThat(MessageSchemas.errors(MessageSchemas.kind(r.topic()), value)).as(r.topic() + " " + value).isEmpty();
            }
            FluxMessageDeserializer any = new FluxMessageDeserializer();
            List<FluxChange> changes = records.stream().filter(r -> r.topic().equals(Topics.forTable("public", items)))
                    .map(r -> new ChangeDeserializer().deserialize(r.topic(), r.headers(), r.value())).toList();
            assertThat(changes).extracting(c -> c.op() + " " + c.rowId() + " " + c.requestId() + " " + c.source())
                    .containsExactly("INSERT 1 cl-1 api", "INSERT 2 cl-2 api", "UPDATE 1 cl-2 api", "UPDATE 3 cl-3 api",
                            "DELETE 3 cl-5 api", "UPDATE 1 wal:" + changes.get(5).txid() + " wal");
            FluxChange moved = changes.get(3);
            assertThat(moved.keyChanged()).isTrue();
            assertThat(moved.oldRowId()).isEqualTo("2");
            assertThat(moved.oldKey().get("id").asLong()).isEqualTo(2);
            assertThat(changes.get(0).after().get("tags").get(1).asText()).isEqualTo("b");
            assertThat(changes.get(1).txid()).isEqualTo(changes.get(2).txid());
            assertThat(changes.get(4).after()).isNull();
            assertThat(changes.get(4).before().get("name").asText()).isEqualTo("bob");
            ConsumerRecord<byte[], byte[]> first = records.stream()
                    .filter(r -> r.topic().equals(Topics.forTable("public", items))).findFirst().orElseThrow();
            assertThat(FluxRecords.change(first).key().get("id").asLong()).isEqualTo(1);
            assertThat(any.deserialize(first.topic(), first.headers(), first.value())).isEqualTo(changes.get(0));

            FluxChange truncate = records.stream().filter(r -> r.topic().equals(Topics.forTable("public", scratch)))
                    .map(FluxRecords::change).filter(c -> c.op() == flux.client.Op.TRUNCATE).findFirst().orElseThrow();
            assertThat(truncate.key()).isNull();
            assertThat(truncate.rowId()).isEmpty();

            FluxRolledBack attempt = records.stream().filter(r -> r.topic().equals(Topics.ROLLED_BACK))
                    .map(r -> new RolledBackDeserializer().deserialize(r.topic(), r.headers(), r.value()))
                    .findFirst().orElseThrow();
            assertThat(attempt.requestId()).isEqualTo("cl-4");
            assertThat(attempt.error()).startsWith("23505");
            assertThat(attempt.after().get("name").asText()).isEqualTo("dup");

            FluxSchemaChange added = records.stream().filter(r -> r.topic().equals(Topics.SCHEMA_CHANGES))
                    .map(r -> new SchemaChangeDeserializer().deserialize(r.topic(), r.headers(), r.value()))
                    .filter(s -> s.change().equals("add_column")).findFirst().orElseThrow();
            assertThat(added.column()).isEqualTo("note");
            assertThat(added.valueForExisting().asText()).isEqualTo("n");
            assertThat(added.columns()).extracting(FluxSchemaChange.Column::name).contains("id", "note");
            assertThat(added.keyColumns()).containsExactly("id");

            // Messages of the contract's additions, once capture publishes them (issue 22's capture side).
            Map<String, List<FluxMessage>> boundaries = records.stream().filter(r -> r.topic().equals(Topics.TRANSACTIONS))
                    .map(r -> any.deserialize(r.topic(), r.headers(), r.value()))
                    .collect(Collectors.groupingBy(m -> m.getClass().getSimpleName()));
            assertThat(boundaries.keySet()).isSubsetOf(Set.of("FluxTransaction"));
            assertThatThrownBy(() -> new RolledBackDeserializer().deserialize(first.topic(), first.headers(), first.value()))
                    .isInstanceOf(FluxMessageException.class).hasMessageContaining("not FluxRolledBack");
        }
    }

    /** Messages of this test's tables only: the shared topics carry other tests' messages too. */
    private static boolean concerns(ConsumerRecord<byte[], byte[]> r, String... tables) {
        String value = new String(r.value(), StandardCharsets.UTF_8);
        for (String t : tables) {
            if (value.contains("\"table\":\"" + t + "\"") || value.contains("\"table\": \"" + t + "\"")
                    || value.contains("\"topic\":\"flux.public." + t + "\"")) {
                return true;
            }
        }
        return false;
    }

    private KafkaConsumer<byte[], byte[]> consumer(List<String> topics) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "client-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 500);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p);
        consumer.subscribe(topics);
        return consumer;
    }
}

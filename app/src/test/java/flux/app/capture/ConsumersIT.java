package flux.app.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import flux.app.Cli;
import flux.capture.testing.RunningCapture;
import flux.client.FluxChange;
import flux.client.FluxTransaction;
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
import flux.examples.mirror.TableMirror;
import flux.query.ConstraintViolation;
import flux.query.QueryEngine;
import flux.query.model.Op;
import flux.query.model.Query;
import flux.query.model.RequestId;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Flux's Kafka consumers against real messages: writes through the engine and raw SQL, rolled-back
 * attempts, key changes, TRUNCATE and DDL, published by one running capture (shared by the tests, each
 * on tables of its own) to the test Kafka.
 * <ul>
 * <li>the client module: every message validates against its JSON Schema and reads into its record
 * through the deserializers, with what was written;</li>
 * <li>{@code flux tail}: history lines for a table's changes and its schema change, {@code --request}
 * and {@code --json} (validated against the schema), the embedded server's Kafka found through the
 * data directory, a clear failure without Kafka;</li>
 * <li>the example consumer ({@code examples/table-mirror}): after a workload the copy equals the source,
 * and a second mirror replaying the topic applies nothing.</li>
 * </ul>
 * Here in app, where the client, capture and the CLI meet, beside the module's shared Postgres and Kafka.
 */
@ExtendWith(FluxTestInfra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsumersIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String ITEMS = "consumer_items";
    private static final String SCRATCH = "consumer_items_scratch";
    private final TestPostgres db;
    private final TestKafka kafka;
    private final QueryEngine engine;
    private final RunningCapture capture;

    /** The tables join capture's publication when it starts: all are made first. */
    ConsumersIT(TestPostgres pg, TestKafka kafka) throws Exception {
        this.db = pg.newDatabase("consumers");
        this.kafka = kafka;
        RunningCapture.installCaptureSchema(db.dataSource());
        db.execute("CREATE TABLE public." + ITEMS + " (id bigint PRIMARY KEY, name text NOT NULL, qty int, tags text[],"
                + " at timestamptz DEFAULT now());"
                + " CREATE TABLE public." + SCRATCH + " (id int PRIMARY KEY);"
                + " CREATE TABLE public.tailed (id bigint PRIMARY KEY, plan text);"
                + " CREATE TABLE public.todos_src (id bigint PRIMARY KEY, title text NOT NULL, done boolean, n numeric);"
                + " CREATE TABLE public.todos_copy (id bigint PRIMARY KEY, title text NOT NULL, done boolean, n numeric)");
        this.engine = new QueryEngine(db.dataSource());
        this.capture = RunningCapture.start(db, kafka);
    }

    @AfterAll
    void stopCapture() {
        capture.close();
    }

    @Test
    void realMessagesOfEveryKindValidateAgainstTheSchemasAndDeserialize() throws Exception {
        String items = ITEMS;
        String scratch = SCRATCH;
        List<String> topics = List.of(Topics.forTable("public", items), Topics.forTable("public", scratch),
                Topics.ROLLED_BACK, Topics.SCHEMA_CHANGES, Topics.TRANSACTIONS);
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(topics)) {
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
                        && records.stream().filter(r -> r.topic().equals(Topics.forTable("public", scratch))).count() >= 2
                        && records.stream().anyMatch(r -> r.topic().equals(Topics.TRANSACTIONS)
                                && new String(r.value(), StandardCharsets.UTF_8).contains("\"cl-2\""));
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

            // Request boundaries: cl-2's END counts its three changes over two tables, and every change
            // carries its place in its transaction as the idempotency key.
            FluxTransaction end = records.stream().filter(r -> r.topic().equals(Topics.TRANSACTIONS))
                    .map(r -> any.deserialize(r.topic(), r.headers(), r.value())).map(FluxTransaction.class::cast)
                    .filter(t -> t.status() == FluxTransaction.Status.END && t.requestId().equals("cl-2"))
                    .findFirst().orElseThrow();
            assertThat(end.eventCount()).isEqualTo(3);
            assertThat(end.txid()).isEqualTo(changes.get(1).txid());
            assertThat(end.dataCollections()).extracting(FluxTransaction.DataCollection::table, FluxTransaction.DataCollection::eventCount)
                    .containsExactlyInAnyOrder(tuple(items, 2), tuple(scratch, 1));
            assertThat(List.of(changes.get(1), changes.get(2))).allSatisfy(c -> assertThat(c.commitLsn()).isEqualTo(end.commitLsn()));
            assertThat(changes).allSatisfy(c -> assertThat(c.idempotencyKey()).isEqualTo(c.commitLsn() + ":" + c.txPosition())
                    .isEqualTo(c.dedupeKey()));
            assertThat(changes.stream().map(FluxChange::dedupeKey).distinct()).hasSize(changes.size());
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

    @Test
    void printsATablesChangesAndSchemaChangesAsHistoryLines(@TempDir Path home) throws Exception {
        {
            engine.query(RequestId.of("tail-1"), Query.insert("tailed").set(Map.of("id", 42, "plan", "free")).build());
            engine.query(RequestId.of("tail-2"), Query.update("tailed").set(Map.of("plan", "pro")).where("id", Op.EQ, 42).build());
            db.execute("ALTER TABLE public.tailed ADD COLUMN note text");
            engine.catalog().refresh();
            engine.query(RequestId.of("tail-3"), Query.delete("tailed").where("id", Op.EQ, 42).build());
            capture.awaitCaughtUp();
        }

        Cli text = Cli.run("tail", "tailed", "--from", "beginning", "--count", "4", "--bootstrap-servers", kafka.bootstrapServers());
        assertThat(text.exitCode()).as(text.err()).isZero();
        List<String> lines = text.out().lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("tailed 42 INSERT plan=free").contains("req:tail-1"));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("tailed 42 UPDATE plan: free → pro").contains("req:tail-2"));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("tailed 42 DELETE").contains("req:tail-3"));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("ADD COLUMN note text").contains("schema"));
        assertThat(text.out()).doesNotContain("\u001b[");
        String schemaLine = text.out().lines().filter(l -> l.contains("ADD COLUMN")).findFirst().orElseThrow();
        assertThat(schemaLine).doesNotContain("req:");

        Files.writeString(home.resolve("kafka.bootstrap"), kafka.bootstrapServers() + "\n");
        Cli json = Cli.run("tail", "tailed", "--from", "beginning", "--request", "tail-2", "--json", "--count", "1",
                "--data-dir", home.toString());
        assertThat(json.exitCode()).as(json.err()).isZero();
        String message = json.out().strip();
        assertThat(message).contains("\"request_id\":\"tail-2\"").contains("\"op\":\"UPDATE\"");
        assertThat(MessageSchemas.errors("change", message)).isEmpty();

        Cli none = Cli.run("tail", "tailed", "--data-dir", home.resolve("nothing").toString());
        assertThat(none.exitCode()).isEqualTo(1);
        assertThat(none.err()).contains("no Kafka: set KAFKA_BOOTSTRAP_SERVERS");
        assertThat(Cli.run("tail", "tailed", "--from", "yesterday").exitCode()).isEqualTo(2);
    }

    @Test
    void theCopyEqualsTheSourceAfterAWorkloadAndARedeliveryChangesNothing() throws Exception {
        String url = db.jdbcUrl() + "?user=" + db.user() + "&password=" + db.password();
        {
            engine.transaction(RequestId.of("m-load"), tx -> {
                for (int id = 1; id <= 40; id++) {
                    tx.query(Query.insert("todos_src").set(Map.of("id", id, "title", "t" + id, "n", new java.math.BigDecimal(id).add(new java.math.BigDecimal("0.25")))).build());
                }
            });
            for (int id = 1; id <= 10; id++) {
                engine.query(RequestId.of("m-up-" + id), Query.update("todos_src")
                        .set(Map.of("done", true, "title", "done " + id)).where("id", Op.EQ, id).build());
            }
            engine.query(RequestId.of("m-key"), Query.update("todos_src").set(Map.of("id", 1001)).where("id", Op.EQ, 11).build());
            engine.query(RequestId.of("m-del"), Query.delete("todos_src").where("id", Op.GTE, 35).build());
            assertThatThrownBy(() -> engine.transaction(RequestId.of("m-fail"), tx -> {
                tx.query(Query.update("todos_src").set(Map.of("title", "never")).where("id", Op.EQ, 2).build());
                tx.query(Query.insert("todos_src").set(Map.of("id", 3, "title", "clash")).build());
            })).isInstanceOf(RuntimeException.class);
            db.execute("UPDATE public.todos_src SET n = n + 1, title = title || ' (raw)' WHERE id BETWEEN 20 AND 25;"
                    + " UPDATE public.todos_src SET id = 2002 WHERE id = 12; DELETE FROM public.todos_src WHERE id = 30");
            engine.query(RequestId.of("m-reinsert"), Query.insert("todos_src").set(Map.of("id", 12, "title", "again")).build());
            capture.awaitCaughtUp();

            AtomicInteger applied = new AtomicInteger();
            try (TableMirror mirror = new TableMirror(kafka.bootstrapServers(), "flux.public.todos_src",
                    "mirror-" + UUID.randomUUID(), url, "todos_copy")) {
                await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
                    applied.addAndGet(mirror.pollOnce(Duration.ofMillis(200)));
                    assertThat(rows("todos_copy")).isEqualTo(rows("todos_src"));
                });
            }
            assertThat(applied.get()).isGreaterThanOrEqualTo(40 + 10 + 1 + 6 + 6 + 2 + 1);
            // 40 inserted; 11 moved to 1001, then 35..40 and 1001 deleted; raw SQL moved 12 to 2002 and
            // deleted 30; 12 inserted again.
            assertThat(db.one("SELECT count(*) FROM public.todos_copy")).isEqualTo("33");
            assertThat(db.one("SELECT string_agg(id::text, ',' ORDER BY id) FROM public.todos_copy WHERE id IN (11, 12, 30, 1001, 2002)"))
                    .isEqualTo("12,2002");
            assertThat(db.one("SELECT title FROM public.todos_copy WHERE id = 2")).isEqualTo("done 2");
        }

        try (TableMirror replay = new TableMirror(kafka.bootstrapServers(), "flux.public.todos_src",
                "mirror-replay-" + UUID.randomUUID(), url, "todos_copy")) {
            AtomicInteger reapplied = new AtomicInteger();
            AtomicInteger polls = new AtomicInteger();
            // Read the topic to its end: polls that bring nothing after the replay started mean it is read.
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                int n = replay.pollOnce(Duration.ofMillis(500));
                reapplied.addAndGet(n);
                return replay.lag() == 0 && polls.incrementAndGet() > 1;
            });
            assertThat(reapplied.get()).isZero();
        }
        assertThat(rows("todos_copy")).isEqualTo(rows("todos_src"));
    }

    private String rows(String table) throws Exception {
        return String.valueOf(db.one("SELECT jsonb_agg(to_jsonb(t) ORDER BY id)::text FROM public." + table + " t"));
    }
}

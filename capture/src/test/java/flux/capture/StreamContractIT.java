package flux.capture;

import static flux.capture.CaptureFixtures.config;
import static flux.capture.CaptureFixtures.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import flux.capture.kafka.KafkaTopics;
import flux.capture.snapshot.Snapshot;
import flux.capture.snapshot.SnapshotStore;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What issue 22 adds to capture's Kafka side, against the shared test broker (which has
 * auto-create on: the topics are shown to exist, with capture's settings, before the first record).
 */
@ExtendWith(FluxTestInfra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS) // one capture for all: each start costs seconds
class StreamContractIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final TopicSettings TOPICS = new TopicSettings(3, null, 3_600_000L);
    /** Rows written before capture started: only a snapshot publishes them. */
    private static final int EXISTING = 10_000;
    private static final String SNAPSHOTTED = unique("snapshotted");
    private final TestPostgres db;
    private final TestKafka kafka;
    private final Admin admin;
    private String slot;
    private String table;
    private volatile CapturePipeline pipeline;
    private EngineWrites writes;

    StreamContractIT(TestPostgres pg, TestKafka kafka) throws SQLException {
        this.db = pg.newDatabase("stream_contract");
        this.kafka = kafka;
        CaptureFixtures.installFluxSchema(db);
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        this.admin = Admin.create(p);
    }

    @BeforeAll
    void startCapture() throws SQLException {
        slot = unique("contract");
        table = unique("accounts");
        writes = EngineWrites.on(db);
        writes.createTable(table);
        CaptureFixtures.execute(db, "CREATE TABLE public." + SNAPSHOTTED + " (id bigint PRIMARY KEY, v bigint NOT NULL);"
                + " INSERT INTO public." + SNAPSHOTTED + " SELECT g, 0 FROM generate_series(1, " + EXISTING + ") g");
        pipeline = CaptureFixtures.startStreaming(captureConfig());
    }

    @AfterAll
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
        // The broker's auto-create would make 1 partition and its own retention: these are capture's, made
        // before any record (no write yet when this test runs first).
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

    @Test
    void boundariesGroupAMultiTableRequestAndEachChangeCarriesItsPositionAndIdempotencyKey() throws Exception {
        String orders = unique("orders");
        writes.createTable(orders);
        CaptureFixtures.execute(db, "NOTIFY flux_schema_changed");
        String ordersTopic = TopicNames.forTable("public", orders);
        await().atMost(WAIT).until(() -> admin.listTopics().names().get().contains(ordersTopic));
        String accountsTopic = TopicNames.forTable("public", table);
        try (TopicReader reader = new TopicReader(kafka.bootstrapServers(), accountsTopic, ordersTopic,
                TopicNames.TRANSACTIONS)) {
            writes.engine().transaction(flux.query.model.RequestId.of("req-multi"), tx -> {
                tx.query(insert(table, 1));
                tx.query(insert(orders, 10));
                tx.query(insert(table, 2));
            });
            CaptureFixtures.execute(db, "UPDATE public." + table + " SET balance = 3 WHERE id = 1");

            await().atMost(WAIT).until(() -> {
                List<TopicReader.Message> read = reader.poll();
                java.util.Set<Long> txids = new java.util.HashSet<>();
                read.stream().filter(m -> !m.topic().equals(TopicNames.TRANSACTIONS) && !m.value().get("txid").isNull())
                        .forEach(m -> txids.add(m.value().get("txid").asLong()));
                return txids.size() == 2 && read.stream().filter(m -> isEnd(m, "req-multi") || isEnd(m, null))
                        .filter(m -> txids.contains(m.key().get("txid").asLong())).count() == 2;
            });
            List<TopicReader.Message> changes = reader.messages().stream()
                    .filter(m -> !m.topic().equals(TopicNames.TRANSACTIONS)).toList();
            List<TopicReader.Message> multi = changes.stream()
                    .filter(m -> m.value().get("request_id").asText().equals("req-multi"))
                    .sorted(java.util.Comparator.comparingInt(m -> m.value().get("tx_position").asInt())).toList();
            assertThat(multi).extracting(m -> m.value().get("tx_position").asInt()).containsExactly(0, 1, 2);
            assertThat(multi).extracting(TopicReader.Message::topic).containsExactly(accountsTopic, ordersTopic, accountsTopic);
            long txid = multi.get(0).value().get("txid").asLong();
            long commitLsn = multi.get(0).value().get("commit_lsn").asLong();
            assertThat(multi).allSatisfy(m -> {
                assertThat(m.value().get("commit_lsn").asLong()).isEqualTo(commitLsn);
                assertThat(m.value().get("lsn").asLong()).isLessThan(commitLsn);
                int position = m.value().get("tx_position").asInt();
                assertThat(m.headers()).containsEntry("flux-idempotency-key", commitLsn + ":" + position)
                        .containsEntry("flux-tx-position", Integer.toString(position));
            });

            List<TopicReader.Message> boundaries = reader.messages().stream()
                    .filter(m -> m.topic().equals(TopicNames.TRANSACTIONS) && m.key().get("txid").asLong() == txid).toList();
            assertThat(boundaries).extracting(m -> m.value().get("status").asText()).containsExactly("BEGIN", "END");
            assertThat(boundaries).allSatisfy(m -> {
                assertThat(m.value().get("request_id").asText()).isEqualTo("req-multi");
                assertThat(m.value().get("commit_lsn").asLong()).isEqualTo(commitLsn);
                assertThat(m.value().get("source").asText()).isEqualTo("api");
                assertThat(m.requestIdHeader()).isEqualTo("req-multi");
            });
            com.fasterxml.jackson.databind.JsonNode end = boundaries.get(1).value();
            assertThat(end.get("event_count").asInt()).isEqualTo(3);
            assertThat(end.get("data_collections").toString()).isEqualTo("[{\"topic\":\"" + accountsTopic
                    + "\",\"schema\":\"public\",\"table\":\"" + table + "\",\"event_count\":2},{\"topic\":\""
                    + ordersTopic + "\",\"schema\":\"public\",\"table\":\"" + orders + "\",\"event_count\":1}]");

            TopicReader.Message raw = changes.stream().filter(m -> m.value().get("source").asText().equals("wal"))
                    .findFirst().orElseThrow();
            TopicReader.Message rawEnd = reader.messages().stream().filter(m -> isEnd(m, null)
                    && m.key().get("txid").asLong() == raw.value().get("txid").asLong()).findFirst().orElseThrow();
            assertThat(rawEnd.value().get("source").asText()).isEqualTo("wal");
            assertThat(rawEnd.value().get("request_id").asText()).isEqualTo("wal:" + raw.value().get("txid").asLong());
            assertThat(rawEnd.value().get("commit_lsn").asLong()).isGreaterThan(commitLsn);
            assertThat(rawEnd.value().get("event_count").asInt()).isEqualTo(1);
        }
    }

    /** An END of flux.transactions, of the request named or (null) of raw SQL. */
    private static boolean isEnd(TopicReader.Message m, String requestId) {
        if (!m.topic().equals(TopicNames.TRANSACTIONS) || !m.value().get("status").asText().equals("END")) {
            return false;
        }
        String r = m.value().get("request_id").asText();
        return requestId == null ? r.startsWith("wal:") : r.equals(requestId);
    }

    private static flux.query.model.Query insert(String table, long id) {
        return flux.query.model.Query.insert(table).set(Map.of("id", id, "owner", "o" + id,
                "balance", new java.math.BigDecimal("1.00"))).build();
    }

    @Test
    void aSnapshotPublishesEveryExistingRowWhileWritesGoOnNeverAnOlderImageAndResumesAfterARestart() throws Exception {
        String topic = TopicNames.forTable("public", SNAPSHOTTED);
        try (TopicReader reader = new TopicReader(kafka.bootstrapServers(), topic);
             RawWriter writer = new RawWriter(db, SNAPSHOTTED, EXISTING, () -> pipeline.status().runningSnapshot())
                     .start()) {
            String id;
            try (java.sql.Connection c = db.connect()) {
                id = SnapshotStore.create(c, SNAPSHOTTED, null, 500).id();
            }
            await().atMost(WAIT).until(() -> snapshot(id).rowsDone() >= 500);
            assertThat(snapshot(id).status()).as("restarted in the middle").isEqualTo(Snapshot.RUNNING);
            pipeline.close();
            long doneAtRestart = snapshot(id).rowsDone();
            pipeline = CaptureFixtures.startStreaming(captureConfig());
            await().atMost(WAIT).until(() -> snapshot(id).status().equals(Snapshot.DONE));
            assertThat(snapshot(id).rowsDone()).isGreaterThanOrEqualTo(EXISTING - doneAtRestart);
            writer.close();
            Map<Long, Long> table = new java.util.HashMap<>();
            try (java.sql.Connection c = db.connect(); java.sql.Statement st = c.createStatement();
                 java.sql.ResultSet rs = st.executeQuery("SELECT id, v FROM public." + SNAPSHOTTED)) {
                while (rs.next()) {
                    table.put(rs.getLong(1), rs.getLong(2));
                }
            }
            // The topic's partitions are read at their own pace: wait for all of them to hold the table.
            await().atMost(WAIT).untilAsserted(() -> {
                reader.poll();
                assertThat(consumerCopy(reader.messages(), id)).as("the consumer's copy is the table").isEqualTo(table);
            });
            assertThat(writer.writes()).isGreaterThan(0);
            assertThat(writer.inFlightWrites()).as("updates of keys read but not yet published").isGreaterThan(0);
            assertThat(writer.mostInFlight()).as("chunks in flight at once").isGreaterThan(1);
        }
    }

    /**
     * An idle runner is woken by the request itself: it looks at the table on its own only every 30 s
     * (SnapshotRunner.IDLE_RECHECK), so a snapshot done well within that was picked up by its
     * notification, and none of its ten chunks waited on a timer of that size either. (Each chunk costs
     * one trip of its high watermark through the stream to Kafka's acknowledgement: see the DEBUG log.)
     */
    @Test
    void anIdleRunnerStartsASnapshotWhenAskedNotAtItsNextLook() throws Exception {
        String idle = tableOfRows("idle_snapshot", 640);
        String id;
        try (java.sql.Connection c = db.connect()) {
            id = SnapshotStore.create(c, idle, null, 64).id();
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> snapshot(id).status().equals(Snapshot.DONE));
        assertThat(snapshot(id).rowsDone()).isEqualTo(640);
    }

    /**
     * A row whose writer is in flight when its chunk is read is not published from that read (its
     * version read may be older than the writer's change, which can stream before the chunk's low
     * watermark: SnapshotRunner.read): the chunk ends before the row, and the row is read again once
     * the writer ended, so a READ of it carries the writer's image.
     */
    @Test
    void aChunkEndsBeforeARowWhoseWriterIsInFlightAndReadsItAgainOnceTheWriterEnded() throws Exception {
        String held = tableOfRows("held_row", 100);
        String topic = TopicNames.forTable("public", held);
        try (TopicReader reader = new TopicReader(kafka.bootstrapServers(), topic);
             java.sql.Connection writer = openWriterOf(held, 50)) {
            String id = snapshotHeldAt(held, 50);
            assertThat(snapshot(id).status()).as("held at the row being written").isEqualTo(Snapshot.RUNNING);
            writer.commit();
            await().atMost(WAIT).until(() -> snapshot(id).status().equals(Snapshot.DONE));
            assertThat(snapshot(id).rowsDone()).isEqualTo(100);
            // Row 50 reaches the consumer as its writer left it: the writer's UPDATE, and a READ only if
            // the re-read's window did not hold that UPDATE (else the UPDATE wins), never with v = 0.
            await().atMost(WAIT).untilAsserted(() -> {
                reader.poll();
                List<String> row50 = reader.messages().stream().filter(m -> m.key().get("id").asLong() == 50)
                        .map(m -> m.value().get("op").asText() + " " + m.value().get("after").get("v").asLong()).toList();
                assertThat(row50).as("row 50 on the topic").contains("UPDATE 1").doesNotContain("READ 0");
                assertThat(row50.get(row50.size() - 1)).endsWith(" 1");
            });
        }
    }

    /** A snapshot held at a row whose writer stays open can still be cancelled: the runner lets it go. */
    @Test
    void aSnapshotHeldAtARowsOpenWriterCanBeCancelled() throws Exception {
        String held = tableOfRows("held_cancel", 20);
        try (java.sql.Connection writer = openWriterOf(held, 10)) {
            String id = snapshotHeldAt(held, 10);
            try (java.sql.Connection c = db.connect()) {
                assertThat(SnapshotStore.cancel(c, id).orElseThrow().status()).isEqualTo(Snapshot.CANCELLED);
            }
            await().atMost(WAIT).until(() -> pipeline.status().runningSnapshot() == null);
            writer.rollback();
        }
    }

    /** A transaction left open that set {@code v = 1} on row {@code id} of {@code table}. */
    private java.sql.Connection openWriterOf(String table, long id) throws SQLException {
        java.sql.Connection writer = db.connect();
        writer.setAutoCommit(false);
        try (java.sql.Statement st = writer.createStatement()) {
            st.execute("UPDATE public." + table + " SET v = 1 WHERE id = " + id);
        }
        return writer;
    }

    /** A snapshot of {@code table} in one chunk of 500, once it has published the rows before row {@code id}. */
    private String snapshotHeldAt(String table, long id) throws Exception {
        String snapshot;
        try (java.sql.Connection c = db.connect()) {
            snapshot = SnapshotStore.create(c, table, null, 500).id();
        }
        await().atMost(WAIT).until(() -> snapshot(snapshot).rowsDone() == id - 1);
        return snapshot;
    }

    /**
     * A new table of {@code rows} rows (id 1..rows, v 0), once capture tracks it, its inserts have
     * streamed (raw SQL, recorded by capture) and the snapshot runner is idle, listening.
     */
    private String tableOfRows(String prefix, int rows) throws Exception {
        String name = unique(prefix);
        long published = pipeline.status().eventsPublished();
        CaptureFixtures.execute(db, "CREATE TABLE public." + name + " (id bigint PRIMARY KEY, v bigint NOT NULL);"
                + " INSERT INTO public." + name + " SELECT g, 0 FROM generate_series(1, " + rows + ") g");
        CaptureFixtures.execute(db, "NOTIFY flux_schema_changed");
        await().atMost(WAIT).until(() -> admin.listTopics().names().get().contains(TopicNames.forTable("public", name)));
        await().atMost(WAIT).until(() -> pipeline.status().eventsPublished() >= published + rows);
        await().atMost(WAIT).until(() -> !hasRunningSnapshot());
        return name;
    }

    private boolean hasRunningSnapshot() throws SQLException {
        try (java.sql.Connection c = db.connect()) {
            return SnapshotStore.list(c).stream().anyMatch(s -> s.status().equals(Snapshot.RUNNING));
        }
    }

    /**
     * What a consumer that dedupes on the idempotency key (a restart replays changes) and keeps rows by
     * key holds after these messages; fails when a key goes back to an older image or a READ follows
     * the row's DELETE.
     */
    private static Map<Long, Long> consumerCopy(List<TopicReader.Message> messages, String id) {
        // A consumer that dedupes on the idempotency key (a restart replays changes) and applies by key.
        Map<Long, Long> applied = new java.util.HashMap<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        java.util.Set<Long> reads = new java.util.HashSet<>();
        for (TopicReader.Message m : messages) {
            String idempotency = m.headers().get("flux-idempotency-key");
            if (idempotency != null && !seen.add(idempotency)) {
                continue;
            }
            long key = m.key().get("id").asLong();
            com.fasterxml.jackson.databind.JsonNode value = m.value();
            if (value.get("op").asText().equals("READ")) {
                reads.add(key);
                assertThat(value.get("snapshot_id").asText()).isEqualTo(id);
                assertThat(value.get("source").asText()).isEqualTo("snapshot");
                assertThat(value.get("commit_lsn").isNull()).isTrue();
                assertThat(value.get("tx_position").isNull()).isTrue();
                assertThat(m.headers()).doesNotContainKey("flux-idempotency-key");
                assertThat(applied.containsKey(key) && applied.get(key) == null).as("a READ of %d after its DELETE", key)
                        .isFalse();
            }
            if (value.get("after").isNull()) {
                applied.put(key, null);
            } else {
                long v = value.get("after").get("v").asLong();
                Long before = applied.get(key);
                assertThat(before == null ? -1 : before).as("key %d went back to an older image", key).isLessThanOrEqualTo(v);
                applied.put(key, v);
            }
        }
        assertThat(reads).as("existing rows published by the snapshot").isNotEmpty();
        applied.values().removeIf(java.util.Objects::isNull);
        return applied;
    }

    @Test
    void tablesThatJoinGetASnapshotOfTheirOwnFluxsTablesNone() throws Exception {
        try (java.sql.Connection c = db.connect()) {
            int before = SnapshotStore.list(c).size();
            SnapshotStore.onJoin(c, List.of("\"public\".\"" + table + "\"", "\"flux\".\"state_mutations\""), 64);
            List<Snapshot> after = SnapshotStore.list(c);
            assertThat(after).hasSize(before + 1);
            Snapshot joined = after.get(0);
            assertThat(joined.qualifiedName()).isEqualTo("public." + table);
            assertThat(joined.chunkSize()).isEqualTo(64);
            assertThat(joined.filter()).isNull();
            assertThat(SnapshotStore.cancel(c, joined.id()).orElseThrow().status()).isIn(Snapshot.CANCELLED, Snapshot.DONE);
        }
    }

    private CaptureConfig captureConfig() {
        return config(db, kafka.bootstrapServers(), slot).withTopics(TOPICS);
    }

    private Snapshot snapshot(String id) throws SQLException {
        try (java.sql.Connection c = db.connect()) {
            return SnapshotStore.find(c, id).orElseThrow();
        }
    }

    /**
     * Raw SQL writes on its own thread until closed: updates ({@code v + 1}) of random existing rows,
     * inserts of new ids and deletes, so the snapshot races with every kind of change; and in each
     * transaction an update of a key in the chunks in flight (read, not yet published), when there are.
     */
    private static final class RawWriter implements AutoCloseable {
        private final TestPostgres db;
        private final String table;
        private final int existing;
        private final Thread thread;
        private final java.util.function.Supplier<flux.capture.snapshot.SnapshotProgress> running;
        private final java.util.concurrent.atomic.AtomicLong writes = new java.util.concurrent.atomic.AtomicLong();
        private final java.util.concurrent.atomic.AtomicLong inFlightWrites = new java.util.concurrent.atomic.AtomicLong();
        private volatile int mostInFlight;
        private volatile boolean stop;
        private volatile Throwable failure;

        RawWriter(TestPostgres db, String table, int existing,
                  java.util.function.Supplier<flux.capture.snapshot.SnapshotProgress> running) {
            this.db = db;
            this.running = running;
            this.table = table;
            this.existing = existing;
            this.thread = new Thread(this::run, "raw-writes-" + table);
        }

        RawWriter start() {
            thread.start();
            return this;
        }

        long writes() {
            return writes.get();
        }

        long inFlightWrites() {
            return inFlightWrites.get();
        }

        int mostInFlight() {
            return mostInFlight;
        }

        /** An update of a key after the progress stored and up to the last key read, if chunks are in flight. */
        private void updateInFlight(java.sql.PreparedStatement update, java.util.Random random) throws Exception {
            flux.capture.snapshot.SnapshotProgress p = running.get();
            if (p == null || p.chunksInFlight() == 0 || p.readUpTo() == null) {
                return;
            }
            mostInFlight = Math.max(mostInFlight, p.chunksInFlight());
            com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
            long from = p.progressKey() == null ? 0 : json.readTree(p.progressKey()).get("id").asLong();
            long to = json.readTree(p.readUpTo()).get("id").asLong();
            if (to > from) {
                update.setLong(1, from + 1 + random.nextInt((int) (to - from)));
                update.executeUpdate();
                inFlightWrites.incrementAndGet();
            }
        }

        private void run() {
            java.util.Random random = new java.util.Random(22);
            long nextId = existing + 1;
            try (java.sql.Connection c = db.connect();
                 java.sql.PreparedStatement update = c.prepareStatement("UPDATE public." + table + " SET v = v + 1 WHERE id = ?");
                 java.sql.PreparedStatement insert = c.prepareStatement("INSERT INTO public." + table + " VALUES (?, 0)");
                 java.sql.PreparedStatement delete = c.prepareStatement("DELETE FROM public." + table + " WHERE id = ?")) {
                c.setAutoCommit(false);
                while (!stop) {
                    // Five writes a transaction: capture records each raw transaction with a write of its own,
                    // and under a loaded test machine that bounds how fast it keeps up.
                    for (int i = 0; i < 5; i++) {
                    int roll = random.nextInt(20);
                    if (roll == 0) {
                        delete.setLong(1, 1 + random.nextInt(existing));
                        delete.executeUpdate();
                    } else if (roll < 4) {
                        insert.setLong(1, nextId++);
                        insert.executeUpdate();
                    } else {
                        update.setLong(1, 1 + random.nextInt(existing));
                        update.executeUpdate();
                    }
                    writes.incrementAndGet();
                    }
                    updateInFlight(update, random);
                    c.commit();
                    Thread.sleep(20);
                }
            } catch (Throwable t) {
                failure = t;
            }
        }

        @Override
        public void close() throws Exception {
            stop = true;
            thread.join(10_000);
            if (failure != null) {
                throw new AssertionError("raw writer failed", failure);
            }
        }
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

package flux.capture;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import flux.capture.kafka.ChangeMessages;
import flux.capture.kafka.TransactionEvents;
import flux.capture.verify.CrossCheck;
import flux.capture.verify.Discrepancy;
import flux.capture.wal.Operation;
import flux.capture.wal.TransactionIds;
import flux.capture.wal.WalMutationRecord;
import flux.capture.wal.WalTransaction;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** Records without a WAL change: from the log when their table was not published yet, missing otherwise. */
class LogBackfillTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final FakePublishedTables tables = new FakePublishedTables()
            .joinedAt("public", "evo", 5_000, List.of("id"))
            .joinedAt("public", "keyed", 5_000, List.of("org", "num"));
    private final LogBackfill backfill = new LogBackfill(tables, new FakeMutationLog().images(LogBackfillTest::stored));

    @Test
    void anApiRecordWrittenBeforeItsTableJoinedIsPublishedFromTheLogNotMissing() throws Exception {
        LogBackfill.Resolved r = resolve(record(4_000, "evo", "1", Operation.INSERT, "api"));

        assertThat(r.discrepancies()).isEmpty();
        assertThat(r.backfilled()).singleElement().satisfies(b -> assertThat(b.keyColumns()).containsExactly("id"));
        JsonNode value = value(ChangeMessages.fromLog(r.backfilled().get(0).record(), List.of("id"), 99, new TransactionEvents(5)));
        assertThat(value.get("op").asText()).isEqualTo("INSERT");
        assertThat(value.get("source").asText()).isEqualTo("api");
        assertThat(value.get("request_id").asText()).isEqualTo("req-1");
        assertThat(value.get("after").get("a").asText()).isEqualTo("x");
    }

    @Test
    void anApiRecordOfATablePublishedWhenItWasWrittenStaysMissing() throws Exception {
        LogBackfill.Resolved r = resolve(record(6_000, "evo", "1", Operation.INSERT, "api"));

        assertThat(r.backfilled()).isEmpty();
        assertThat(r.discrepancies()).singleElement().isInstanceOf(Discrepancy.MissingChange.class);
    }

    @Test
    void aSnapshotRecordIsAReadOfTheRowKeyedByItsTablesKey() throws Exception {
        LogBackfill.Resolved r = resolve(record(7_000, "keyed", "[\"acme\",\"7\"]", Operation.INSERT, "snapshot"));

        ProducerRecord<byte[], byte[]> message = ChangeMessages.fromLog(r.backfilled().get(0).record(),
                r.backfilled().get(0).keyColumns(), 99, new TransactionEvents(5));
        assertThat(new String(message.key())).isEqualTo("{\"org\":\"acme\",\"num\":7}");
        assertThat(value(message).get("op").asText()).isEqualTo("READ");
        assertThat(value(message).get("source").asText()).isEqualTo("snapshot");
        assertThat(message.topic()).isEqualTo("flux.public.keyed");
    }

    @Test
    void aSnapshotDeleteStaysADelete() throws Exception {
        LogBackfill.Resolved r = resolve(record(7_000, "evo", "1", Operation.DELETE, "snapshot"));

        assertThat(value(ChangeMessages.fromLog(r.backfilled().get(0).record(), List.of("id"), 99, new TransactionEvents(5))).get("op").asText())
                .isEqualTo("DELETE");
    }

    private LogBackfill.Resolved resolve(WalMutationRecord record) throws Exception {
        CrossCheck.Result result = new CrossCheck(new TransactionIds()).check(new WalTransaction(700, 99, Instant.ofEpochMilli(99), List.of(),
                List.of(record), 100));
        return backfill.resolve(result);
    }

    private static WalMutationRecord record(long lsn, String table, String rowId, Operation op, String source) {
        return new WalMutationRecord(lsn, source.equals("snapshot") ? "snapshot:700" : "req-1", 700L, "public", table,
                rowId, op, null, null, "committed", null, null, source, lsn);
    }

    private static JsonNode value(ProducerRecord<byte[], byte[]> message) throws IOException {
        return JSON.readTree(message.value());
    }

    /** The log's images: row 1 of evo, row (acme, 7) of keyed. */
    private static WalMutationRecord stored(WalMutationRecord r) {
        JsonNode image = r.tableName().equals("keyed") ? json("{\"org\":\"acme\",\"num\":7,\"x\":1}")
                : json("{\"id\":1,\"a\":\"x\"}");
        return r.operation() == Operation.DELETE ? r.withImages(image, null, null) : r.withImages(null, image, null);
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}

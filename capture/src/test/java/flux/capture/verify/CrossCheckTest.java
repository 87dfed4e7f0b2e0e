package flux.capture.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import flux.capture.wal.Operation;
import flux.capture.wal.TransactionIds;
import flux.capture.wal.WalChange;
import flux.capture.wal.WalMutationRecord;
import flux.capture.wal.WalTransaction;
import java.util.List;
import org.junit.jupiter.api.Test;

class CrossCheckTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final CrossCheck check = new CrossCheck(new TransactionIds());

    @Test
    void changeWithItsRecordIsPublishedUnderTheRecordsRequest() {
        WalTransaction tx = tx(List.of(change(Operation.INSERT, 1, null, "{\"id\":1,\"plan\":\"free\"}")),
                List.of(record("req-a", Operation.INSERT, "1", null, "{\"id\":1,\"plan\":\"free\"}", "committed", "api")));
        CrossCheck.Result r = check.check(tx);
        assertThat(r.published()).extracting(CrossCheck.Outgoing::requestId).containsExactly("req-a");
        assertThat(r.published()).extracting(CrossCheck.Outgoing::source).containsExactly("api");
        assertThat(r.untracked()).isEmpty();
        assertThat(r.discrepancies()).isEmpty();
        assertThat(r.matched()).isEqualTo(1);
        assertThat(r.txid8()).isEqualTo(700);
    }

    @Test
    void changeWithoutRecordIsUntrackedAndTakesTheTransactionsApiRequest() {
        // a trigger wrote row 2 in the same transaction as the API wrote row 1
        WalTransaction tx = tx(List.of(change(Operation.INSERT, 2, null, "{\"id\":2}"),
                        change(Operation.INSERT, 1, null, "{\"id\":1}")),
                List.of(record("req-a", Operation.INSERT, "1", null, "{\"id\":1}", "committed", "api")));
        CrossCheck.Result r = check.check(tx);
        assertThat(r.untracked()).extracting(WalChange::rowId).containsExactly("2");
        assertThat(r.published()).extracting(CrossCheck.Outgoing::source).containsExactly("wal", "api");
        assertThat(r.walRequestId()).isEqualTo("req-a");
        assertThat(r.matched()).isEqualTo(1);
    }

    @Test
    void rawTransactionGetsAWalRequestIdFromItsTxid() {
        CrossCheck.Result r = check.check(tx(List.of(change(Operation.DELETE, 5, "{\"id\":5}", null)), List.of()));
        assertThat(r.walRequestId()).isEqualTo("wal:700");
        assertThat(r.published()).extracting(CrossCheck.Outgoing::requestId).containsExactly("wal:700");
    }

    @Test
    void aCommittedRecordOfAnotherTransactionIsACopyAndNeitherPairedNorMissing() {
        WalMutationRecord restored = new WalMutationRecord(1, "req-old", 123L, "public", "users", "5",
                Operation.INSERT, null, json("{\"id\":5}"), "committed", null, null, "api", 1L);
        CrossCheck.Result r = check.check(tx(List.of(change(Operation.INSERT, 5, null, "{\"id\":5}")), List.of(restored)));
        assertThat(r.matched()).isZero();
        assertThat(r.untracked()).extracting(WalChange::rowId).containsExactly("5");
        assertThat(r.discrepancies()).isEmpty();
    }

    @Test
    void recordWithoutChangeIsReportedMissing() {
        CrossCheck.Result r = check.check(tx(List.of(),
                List.of(record("req-a", Operation.UPDATE, "9", "{\"id\":9}", "{\"id\":9}", "committed", "api"))));
        assertThat(r.discrepancies()).singleElement().isInstanceOf(Discrepancy.MissingChange.class);
    }

    @Test
    void differingImagesAreReportedWithTheColumns() {
        WalTransaction tx = tx(List.of(change(Operation.UPDATE, 1, "{\"id\":1,\"plan\":\"free\"}", "{\"id\":1,\"plan\":\"pro\"}")),
                List.of(record("req-a", Operation.UPDATE, "1", "{\"id\":1,\"plan\":\"free\"}", "{\"id\":1,\"plan\":\"max\"}",
                        "committed", "api")));
        CrossCheck.Result r = check.check(tx);
        assertThat(r.discrepancies()).singleElement().satisfies(d ->
                assertThat(((Discrepancy.ImageMismatch) d).columns()).containsExactly("plan"));
        assertThat(r.published()).extracting(CrossCheck.Outgoing::source).containsExactly("api");
    }

    @Test
    void recordsDecodedWithoutImagesArePairedAndComparedOnceTheirImagesAreRead() {
        WalChange change = change(Operation.UPDATE, 1, "{\"id\":1,\"plan\":\"free\"}", "{\"id\":1,\"plan\":\"pro\"}");
        WalTransaction tx = tx(List.of(change), List.of(record("req-a", Operation.UPDATE, "1", null, null, "committed", "api")));
        CrossCheck.Result r = check.check(tx);
        assertThat(r.discrepancies()).isEmpty();
        assertThat(r.matched()).isEqualTo(1);
        WalMutationRecord paired = r.published().get(0).record();
        assertThat(paired.requestId()).isEqualTo("req-a");

        WalMutationRecord read = paired.withImages(json("{\"id\":1,\"plan\":\"free\"}"), json("{\"id\":1,\"plan\":\"max\"}"), null);
        assertThat(CrossCheck.compareImages(change, read).columns()).containsExactly("plan");
        assertThat(CrossCheck.compareImages(change,
                paired.withImages(json("{\"id\":1,\"plan\":\"free\"}"), json("{\"id\":1,\"plan\":\"pro\"}"), null))).isNull();
    }

    @Test
    void capturesOwnRecordsAreIgnoredAndRolledBackAttemptsSetAside() {
        WalTransaction tx = tx(List.of(), List.of(
                record("wal:650", Operation.UPDATE, "1", "{}", "{}", "committed", "wal"),
                record("req-b", Operation.INSERT, "3", null, "{\"id\":3}", "rolled_back", "api")));
        CrossCheck.Result r = check.check(tx);
        assertThat(r.discrepancies()).isEmpty();
        assertThat(r.published()).isEmpty();
        assertThat(r.rolledBack()).extracting(WalMutationRecord::requestId).containsExactly("req-b");
    }

    @Test
    void twoUpdatesOfOneRowPairInOrder() {
        WalTransaction tx = tx(List.of(change(Operation.UPDATE, 1, "{\"id\":1,\"n\":0}", "{\"id\":1,\"n\":1}"),
                        change(Operation.UPDATE, 1, "{\"id\":1,\"n\":1}", "{\"id\":1,\"n\":2}")),
                List.of(record("req-a", Operation.UPDATE, "1", "{\"id\":1,\"n\":0}", "{\"id\":1,\"n\":1}", "committed", "api"),
                        record("req-a", Operation.UPDATE, "1", "{\"id\":1,\"n\":1}", "{\"id\":1,\"n\":2}", "committed", "api")));
        CrossCheck.Result r = check.check(tx);
        assertThat(r.discrepancies()).isEmpty();
        assertThat(r.matched()).isEqualTo(2);
    }

    private static WalTransaction tx(List<WalChange> changes, List<WalMutationRecord> records) {
        return new WalTransaction(700, 1_000, java.time.Instant.ofEpochMilli(1_000), changes, records, 2_000);
    }

    private static WalChange change(Operation op, long id, String before, String after) {
        ObjectNode key = JSON.createObjectNode().put("id", id);
        return new WalChange("public", "users", op, key, Long.toString(id), (ObjectNode) json(before),
                (ObjectNode) json(after), 100 + id, 700, 1_000, 0, null);
    }

    private static WalMutationRecord record(String requestId, Operation op, String rowId, String old, String neu,
                                            String status, String source) {
        return new WalMutationRecord(1, requestId, 700L, "public", "users", rowId, op, json(old), json(neu),
                status, null, null, source, 1);
    }

    private static JsonNode json(String text) {
        try {
            return text == null ? null : JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}

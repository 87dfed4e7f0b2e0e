package flux.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import flux.client.testing.MessageSchemas;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The messages of the contract that capture on main does not publish yet (issue 22: transaction
 * boundaries, commit_lsn/tx_position with the idempotency header, snapshot READs), exactly as the
 * contract shows them: each validates against its schema and reads into its record; and what the
 * schemas refuse. Real messages: app's ConsumersIT.
 */
class MessageContractTest {
    private static final String BEGIN = """
            {"status": "BEGIN", "txid": 763, "request_id": "4f9a3b2c-1", "commit_lsn": 28945416, "ts_ms": 1795316480005, "source": "api"}""";
    private static final String END = """
            {"status": "END", "txid": 763, "request_id": "4f9a3b2c-1", "commit_lsn": 28945416, "ts_ms": 1795316480005, "source": "api",
             "event_count": 3,
             "data_collections": [{"topic": "flux.public.users", "schema": "public", "table": "users", "event_count": 2},
                                  {"topic": "flux.public.orders", "schema": "public", "table": "orders", "event_count": 1}]}""";
    private static final String CHANGE = """
            {"op": "UPDATE", "schema": "public", "table": "users", "row_id": "42",
             "before": {"id": 42, "plan": "free"}, "after": {"id": 42, "plan": "pro"},
             "request_id": "4f9a3b2c-1", "txid": 763, "lsn": 28945400, "commit_lsn": 28945416, "tx_position": 1,
             "ts_ms": 1795316480005, "source": "api", "tenant_id": "acme"}""";
    private static final String SNAPSHOT_READ = """
            {"op": "READ", "schema": "public", "table": "users", "row_id": "42", "before": null, "after": {"id": 42},
             "request_id": null, "txid": null, "lsn": null, "commit_lsn": null, "tx_position": null,
             "ts_ms": 1795316480005, "source": "snapshot", "snapshot_id": "snap-1"}""";

    @Test
    void transactionBoundariesOfTheContractValidateAndRead() {
        assertThat(MessageSchemas.errors("transaction", BEGIN)).isEmpty();
        assertThat(MessageSchemas.errors("transaction", END)).isEmpty();
        FluxTransaction end = (FluxTransaction) FluxMessages.read(Topics.TRANSACTIONS, null, bytes(END), h -> null);
        assertThat(end.status()).isEqualTo(FluxTransaction.Status.END);
        assertThat(end.eventCount()).isEqualTo(3);
        assertThat(end.dataCollections()).extracting(FluxTransaction.DataCollection::table).containsExactly("users", "orders");
        FluxTransaction begin = FluxMessages.transaction(bytes(BEGIN));
        assertThat(begin.eventCount()).isNull();
        assertThat(begin.commitLsn()).isEqualTo(28945416L);
    }

    @Test
    void aChangeWithItsTransactionPositionDedupesOnTheIdempotencyHeader() {
        assertThat(MessageSchemas.errors("change", CHANGE)).isEmpty();
        Map<String, String> headers = Map.of(Headers.IDEMPOTENCY_KEY, "28945416:1", Headers.TENANT_ID, "acme");
        FluxChange c = FluxMessages.change(bytes("{\"id\": 42}"), bytes(CHANGE), headers::get);
        assertThat(c.commitLsn()).isEqualTo(28945416L);
        assertThat(c.txPosition()).isEqualTo(1L);
        assertThat(c.tenant()).isEqualTo("acme");
        assertThat(c.dedupeKey()).isEqualTo("28945416:1");
        assertThat(c.key().get("id").asInt()).isEqualTo(42);
        FluxChange without = FluxMessages.change(null, bytes(CHANGE), h -> null);
        assertThat(without.dedupeKey()).isEqualTo("28945400/public.users/42");
    }

    @Test
    void aSnapshotReadValidatesAndHasNoTransaction() {
        assertThat(MessageSchemas.errors("change", SNAPSHOT_READ)).isEmpty();
        FluxChange c = FluxMessages.change(null, bytes(SNAPSHOT_READ), h -> null);
        assertThat(c.op()).isEqualTo(Op.READ);
        assertThat(c.snapshotId()).isEqualTo("snap-1");
        assertThat(c.lsn()).isNull();
        assertThat(c.dedupeKey()).isEqualTo("snapshot/snap-1/public.users/42");
    }

    @Test
    void theSchemasRefuseWhatTheContractRulesOut() {
        assertThat(MessageSchemas.errors("change", CHANGE.replace("\"op\": \"UPDATE\"", "\"op\": \"UPSERT\""))).isNotEmpty();
        assertThat(MessageSchemas.errors("change", CHANGE.replace("\"source\": \"api\"", "\"source\": \"api\", \"extra\": 1")))
                .isNotEmpty();
        assertThat(MessageSchemas.errors("change", CHANGE.replace("\"after\": {\"id\": 42, \"plan\": \"pro\"}", "\"after\": null")))
                .as("an UPDATE has an after image").isNotEmpty();
        assertThat(MessageSchemas.errors("change", CHANGE.replace("\"tx_position\": 1,", "")))
                .as("commit_lsn and tx_position come together").isNotEmpty();
        assertThat(MessageSchemas.errors("change", SNAPSHOT_READ.replace("\"txid\": null", "\"txid\": 5")))
                .as("a snapshot READ has no transaction").isNotEmpty();
        assertThat(MessageSchemas.errors("transaction", END.replace("\"event_count\": 3,", "")))
                .as("END counts its events").isNotEmpty();
        assertThat(MessageSchemas.errors("transaction", BEGIN.replace("}", ", \"event_count\": 3}")))
                .as("BEGIN does not").isNotEmpty();
    }

    @Test
    void aMessageWithoutARequiredFieldIsRefusedByTheReaderToo() {
        assertThatThrownBy(() -> FluxMessages.change(null, bytes("{\"op\": \"INSERT\"}"), h -> null))
                .isInstanceOf(FluxMessageException.class).hasMessageContaining("\"schema\"");
        assertThatThrownBy(() -> FluxMessages.change(null, bytes("not json"), h -> null))
                .isInstanceOf(FluxMessageException.class);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}

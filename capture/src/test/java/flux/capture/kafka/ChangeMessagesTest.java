package flux.capture.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import flux.capture.verify.CrossCheck;
import flux.capture.wal.Operation;
import flux.capture.wal.WalChange;
import flux.capture.wal.WalMutationRecord;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class ChangeMessagesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

    @Test
    void changeIsWrittenAsTheContractsValueWithKeyAndRequestHeader() throws Exception {
        ObjectNode before = NODES.objectNode().put("id", 42L).put("plan", "free").put("balance", new BigDecimal("10.50"));
        before.putNull("note");
        before.set("tags", NODES.arrayNode().add("a").add(1.5).add(true));
        ObjectNode after = before.deepCopy().put("plan", "pro");
        ObjectNode key = NODES.objectNode().put("id", 42L);
        WalChange change = new WalChange("public", "users", Operation.UPDATE, key, "42", before, after, 28945416L, 763L,
                1795316480005L, 0L, null);

        TransactionEvents events = new TransactionEvents(28945500L);
        ChangeMessages.change(new CrossCheck.Outgoing(change, "req-0", "api", null, null), 763L, events);
        ProducerRecord<byte[], byte[]> r = ChangeMessages.change(new CrossCheck.Outgoing(change, "req-1", "api", null, null), 763L,
                events);

        assertThat(r.topic()).isEqualTo("flux.public.users");
        assertThat(text(r.key())).isEqualTo("{\"id\":42}");
        assertThat(text(r.value())).isEqualTo("{\"op\":\"UPDATE\",\"schema\":\"public\",\"table\":\"users\",\"row_id\":\"42\","
                + "\"before\":" + JSON.writeValueAsString(before) + ",\"after\":" + JSON.writeValueAsString(after)
                + ",\"request_id\":\"req-1\",\"txid\":763,\"lsn\":28945416,\"commit_lsn\":28945500,\"tx_position\":1,"
                + "\"ts_ms\":1795316480005,\"source\":\"api\"}");
        assertThat(text(r.headers().lastHeader(ChangeMessages.REQUEST_ID_HEADER).value())).isEqualTo("req-1");
        assertThat(text(r.headers().lastHeader(TransactionEvents.IDEMPOTENCY_KEY_HEADER).value())).isEqualTo("28945500:1");
        assertThat(text(r.headers().lastHeader(TransactionEvents.TX_POSITION_HEADER).value())).isEqualTo("1");
    }

    @Test
    void transactionBoundariesCountTheMessagesPerTable() throws Exception {
        TransactionEvents events = new TransactionEvents(900L);
        for (String table : new String[] {"users", "orders", "users"}) {
            ObjectNode row = NODES.objectNode().put("id", 1L);
            WalChange c = new WalChange("public", table, Operation.INSERT, row, "1", null, row, 1L, 2L, 3L, 0L, null);
            ChangeMessages.change(new CrossCheck.Outgoing(c, "req-7", "api", null, null), 763L, events);
        }
        TransactionMessages.Transaction tx = new TransactionMessages.Transaction(763L, "req-7", 900L, 1000L, "api");
        ProducerRecord<byte[], byte[]> begin = TransactionMessages.begin(tx);
        ProducerRecord<byte[], byte[]> end = TransactionMessages.end(tx, events);
        assertThat(begin.topic()).isEqualTo("flux.transactions");
        assertThat(text(begin.key())).isEqualTo("{\"txid\":763}");
        assertThat(text(begin.value())).isEqualTo("{\"status\":\"BEGIN\",\"txid\":763,\"request_id\":\"req-7\","
                + "\"commit_lsn\":900,\"ts_ms\":1000,\"source\":\"api\"}");
        assertThat(text(end.value())).isEqualTo("{\"status\":\"END\",\"txid\":763,\"request_id\":\"req-7\","
                + "\"commit_lsn\":900,\"ts_ms\":1000,\"source\":\"api\",\"event_count\":3,\"data_collections\":["
                + "{\"topic\":\"flux.public.users\",\"schema\":\"public\",\"table\":\"users\",\"event_count\":2},"
                + "{\"topic\":\"flux.public.orders\",\"schema\":\"public\",\"table\":\"orders\",\"event_count\":1}]}");
        assertThat(text(end.headers().lastHeader(ChangeMessages.REQUEST_ID_HEADER).value())).isEqualTo("req-7");
    }

    @Test
    void aSnapshotReadCarriesTheSchemaOwnerElseTheRowsTenantColumn() throws Exception {
        ObjectNode key = NODES.objectNode().put("id", 7L);
        ObjectNode row = key.deepCopy().put("tenant_id", "globex");
        ProducerRecord<byte[], byte[]> owned = ChangeMessages.snapshotRead("t_acme_api", "notes", key, "7", row, "s-1",
                "acme", 5L);
        assertThat(JSON.readTree(owned.value()).get("tenant_id").asText()).isEqualTo("acme");
        assertThat(text(owned.headers().lastHeader(ChangeMessages.TENANT_ID_HEADER).value())).isEqualTo("acme");
        ProducerRecord<byte[], byte[]> byColumn = ChangeMessages.snapshotRead("public", "notes", key, "7", row, "s-1",
                null, 5L);
        assertThat(text(byColumn.headers().lastHeader(ChangeMessages.TENANT_ID_HEADER).value())).isEqualTo("globex");
        assertThat(ChangeMessages.snapshotTenant(null, key.deepCopy().put("tenant_id", 12))).isEqualTo("12");
        ProducerRecord<byte[], byte[]> none = ChangeMessages.snapshotRead("public", "notes", key, "7",
                key.deepCopy().putNull("tenant_id"), "s-1", null, 5L);
        assertThat(none.headers().lastHeader(ChangeMessages.TENANT_ID_HEADER)).isNull();
        assertThat(JSON.readTree(none.value()).has("tenant_id")).isFalse();
    }

    @Test
    void insertHasANullBefore() throws Exception {
        ObjectNode after = NODES.objectNode().put("id", 1L);
        WalChange change = new WalChange("public", "users", Operation.INSERT, after, "1", null, after, 1L, 2L, 3L, 0L, null);
        JsonNode value = JSON.readTree(ChangeMessages.change(new CrossCheck.Outgoing(change, "wal:9", "wal", null, null), 9L,
                new TransactionEvents(5L)).value());
        assertThat(value.get("before").isNull()).isTrue();
        assertThat(value.get("source").asText()).isEqualTo("wal");
    }

    @Test
    void rolledBackAttemptCarriesStatusErrorAndMutationId() throws Exception {
        WalMutationRecord attempt = new WalMutationRecord(17, "req-x", null, "public", "users", "3", Operation.INSERT,
                null, JSON.readTree("{\"id\": 3, \"owner\": \"dup\"}"), "rolled_back", "23505: duplicate key", null, "api", 99);
        ProducerRecord<byte[], byte[]> r = ChangeMessages.rolledBack(attempt, 1000L);
        assertThat(r.topic()).isEqualTo(TopicNames.ROLLED_BACK);
        assertThat(text(r.key())).isEqualTo("{\"schema\":\"public\",\"table\":\"users\",\"row_id\":\"3\"}");
        assertThat(text(r.value())).isEqualTo("{\"op\":\"INSERT\",\"schema\":\"public\",\"table\":\"users\",\"row_id\":\"3\","
                + "\"before\":null,\"after\":{\"id\":3,\"owner\":\"dup\"},\"request_id\":\"req-x\",\"txid\":null,\"lsn\":99,"
                + "\"ts_ms\":1000,\"source\":\"api\",\"status\":\"rolled_back\",\"error\":\"23505: duplicate key\",\"mutation_id\":17}");
    }

    @Test
    void decimalsAreWrittenWithTheirDigitsAsToJsonbWritesThem() {
        ObjectNode after = NODES.objectNode().put("id", 1L).put("tiny", new BigDecimal("0.000000000001"))
                .put("wide", new BigDecimal("12345678901234567890.123456789")).put("scaled", new BigDecimal("1.50"));
        WalChange change = new WalChange("public", "t", Operation.INSERT, NODES.objectNode().put("id", 1L), "1", null,
                after, 1L, 2L, 3L, 0L, null);
        assertThat(text(ChangeMessages.change(new CrossCheck.Outgoing(change, "wal:2", "wal", null, null), 2L,
                new TransactionEvents(3L)).value()))
                .contains("\"after\":{\"id\":1,\"tiny\":0.000000000001,\"wide\":12345678901234567890.123456789,\"scaled\":1.50}");
    }

    /**
     * PostgreSQL's numeric keeps up to 16,383 digits after the point (1e-10000 has scale 10,000), and
     * to_jsonb writes them all; Jackson's plain BigDecimal writing refuses scales beyond 9,999, which
     * failed the batch, and capture retried it for ever.
     */
    @Test
    void decimalsWithScalesBeyondJacksonsPlainLimitAreWrittenWithAllTheirDigits() {
        BigDecimal tiny = new BigDecimal("1E-10000");
        BigDecimal huge = new BigDecimal("1E+10000");
        ObjectNode after = NODES.objectNode().put("id", 1L).put("tiny", tiny).put("huge", huge);
        WalChange change = new WalChange("public", "t", Operation.INSERT, NODES.objectNode().put("id", 1L), "1", null,
                after, 1L, 2L, 3L, 0L, null);
        assertThat(text(ChangeMessages.change(new CrossCheck.Outgoing(change, "wal:2", "wal", null, null), 2L,
                new TransactionEvents(3L)).value()))
                .contains("\"after\":{\"id\":1,\"tiny\":0." + "0".repeat(9999) + "1,\"huge\":1" + "0".repeat(10000) + "}");
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}

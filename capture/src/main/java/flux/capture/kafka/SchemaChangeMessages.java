package flux.capture.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import flux.capture.wal.Operation;
import flux.capture.wal.WalChange;
import flux.capture.wal.WalTransaction;
import flux.log.LogSchema;
import flux.log.SchemaJournal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Messages of topic {@code flux.schema_changes}: one per row of the schema journal
 * ({@code flux.schema_changes}, decoded from the WAL like any published table), in commit order, so a
 * change recorded inside the DDL's transaction (capture's event trigger, a migration) arrives before
 * the first row of the new shape. Key {@code {"table_oid": 16453}}: a table keeps its oid across
 * renames, so its changes stay in order on one partition. Value: the journal row's columns under
 * short names (docs/contracts.md), plus {@code lsn} and {@code ts_ms} of the recording transaction.
 */
public final class SchemaChangeMessages {
    private static final String[][] FIELDS = {
            {"id", "id"}, {"change", "change"}, {"table_schema", "schema"}, {"table_name", "table"},
            {"old_table_schema", "old_schema"}, {"old_table_name", "old_table"}, {"column_name", "column"},
            {"old_column_name", "old_column"}, {"column_type", "type"}, {"old_column_type", "old_type"},
            {"value_for_existing", "value_for_existing"}, {"columns", "columns"}, {"key_columns", "key_columns"},
            {"migration", "migration"}, {"detected_by", "detected_by"}, {"command", "command"}, {"role", "role"},
            {"table_oid", "table_oid"}, {"created_at", "at"}};

    private SchemaChangeMessages() {
    }

    /** The journal's inserts in {@code tx}, in WAL order. */
    public static List<WalChange> journalRows(WalTransaction tx) {
        List<WalChange> rows = new ArrayList<>();
        for (WalChange c : tx.changes()) {
            if (isJournal(c) && c.operation() == Operation.INSERT) {
                rows.add(c);
            }
        }
        return rows;
    }

    /** {@code tx} without the journal's changes: what the cross-check pairs with mutation records. */
    public static WalTransaction withoutJournal(WalTransaction tx) {
        if (tx.changes().stream().noneMatch(SchemaChangeMessages::isJournal)) {
            return tx;
        }
        return new WalTransaction(tx.xid(), tx.tsMs(), tx.committedAt(),
                tx.changes().stream().filter(c -> !isJournal(c)).toList(), tx.records(), tx.commitLsn());
    }

    private static boolean isJournal(WalChange c) {
        return LogSchema.SCHEMA.equals(c.schema()) && SchemaJournal.TABLE.equals(c.table());
    }

    /** The message of one journal row, {@code change.after()} as decoded. */
    public static ProducerRecord<byte[], byte[]> of(WalChange change) {
        ObjectNode row = change.after();
        byte[] key = ChangeMessages.write(g -> {
            g.writeStartObject();
            g.writeFieldName("table_oid");
            ChangeMessages.node(g, row.get("table_oid"));
            g.writeEndObject();
        });
        byte[] value = ChangeMessages.write(g -> {
            g.writeStartObject();
            for (String[] field : FIELDS) {
                g.writeFieldName(field[1]);
                ChangeMessages.node(g, row.get(field[0]));
            }
            g.writeFieldName("txid");
            ChangeMessages.node(g, txid(row.get("txid")));
            g.writeNumberField("lsn", change.lsn());
            g.writeNumberField("ts_ms", change.tsMs());
            g.writeEndObject();
        });
        return ChangeMessages.record(TopicNames.SCHEMA_CHANGES, key, value, null, null);
    }

    /** xid8 has no Debezium mapping: it arrives as its decimal text, rendered as bytea ({@code \x3736...}). */
    private static JsonNode txid(JsonNode decoded) {
        if (decoded == null || !decoded.isTextual() || !decoded.textValue().startsWith("\\x")) {
            return decoded;
        }
        String hex = decoded.textValue().substring(2);
        byte[] bytes = new byte[hex.length() / 2];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        String text = new String(bytes, StandardCharsets.US_ASCII).trim();
        try {
            return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.numberNode(Long.parseUnsignedLong(text));
        } catch (NumberFormatException e) {
            return decoded;
        }
    }
}

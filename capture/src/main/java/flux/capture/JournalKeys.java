package flux.capture;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import flux.capture.wal.WalChange;
import flux.capture.wal.WalTransaction;
import flux.log.SchemaChange;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Keys for the row changes Debezium delivered without one. Whenever pgoutput describes a table anew
 * (its first change after a start, and after each DDL on it), Debezium reads the table's primary key
 * from the catalog of now, by the name the change carries: a table renamed or dropped since the change
 * was written (capture lagging behind the DDL) is not found under that name, and its changes come
 * with no key (or with the key of the table that took the name since, whose columns they lack). Such a
 * change is keyed here by the key columns the schema journal had for the table when the change
 * committed, read from its image (after an INSERT or UPDATE, before a DELETE; tracked tables have
 * REPLICA IDENTITY FULL), before it is paired, recorded or published; an UPDATE whose before image has
 * another key gets it as its old key.
 *
 * <p>The table the name designated when the change committed, and its key then: the last journal row
 * recorded under or away from the name at or before the commit time, when it leaves the name designating
 * a table (not a drop, not a rename away) whose shape fits the change's image; otherwise the first
 * later row whose shape fits, in journal order (a DDL the detector journaled after the fact, or the
 * table's shape before a drop or a rename away: those rows keep it); otherwise the latest earlier row
 * that fits (the change's own transaction renamed or dropped the table after writing it). A shape fits
 * when every column of the image is among its columns and each key column has a value in the image.
 * Rows journaled inside the DDL's transaction (event trigger, migration) are ordered exactly against
 * other transactions' changes: the DDL's lock keeps the table's writes before its journal row's time or
 * after its commit.
 *
 * <p>No key found at all: capture fails the batch, retriably (the detector may journal the table's
 * DDL a moment later), rather than record an empty row id. Asks the database once per table name and
 * transaction, only for keyless changes. Used by the streaming thread.
 */
final class JournalKeys {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final PublishedTables tables;
    /** Each journal row's column names, by its id: rows never change, and one fits many changes of a bulk write. */
    private final Map<Long, Set<String>> columns = new HashMap<>();

    JournalKeys(PublishedTables tables) {
        this.tables = tables;
    }

    /** {@code tx} with each keyless change keyed; {@code tx} itself when none is keyless. */
    WalTransaction keyed(WalTransaction tx) throws SQLException {
        if (!anyKeyless(tx)) {
            return tx;
        }
        Map<String, List<SchemaChange>> journaled = new HashMap<>();
        List<WalChange> changes = new ArrayList<>(tx.changes().size());
        for (WalChange c : tx.changes()) {
            if (!c.keyless()) {
                changes.add(c);
                continue;
            }
            List<SchemaChange> named = journaled.get(c.qualifiedName());
            if (named == null) {
                named = tables.journaledUnder(c.schema(), c.table());
                journaled.put(c.qualifiedName(), named);
            }
            List<String> key = keyAsOf(named, c.schema(), c.table(), tx.committedAt(), c.keyImage());
            WalChange keyed = key == null ? null : c.keyedBy(key);
            if (keyed == null) {
                throw new CaptureException.Retriable("no primary key for the " + c.operation() + " of "
                        + c.qualifiedName() + " at LSN " + Lsns.format(c.lsn()) + " (transaction " + c.xid()
                        + "): Debezium found no key for that name in the catalog, and the schema journal has none that"
                        + " fits the change as of its commit (" + tx.committedAt() + "); capture retries, as the"
                        + " schema detector may journal the table's last DDL a moment later", null);
            }
            changes.add(keyed);
        }
        return new WalTransaction(tx.xid(), tx.tsMs(), tx.committedAt(), List.copyOf(changes), tx.records(),
                tx.commitLsn());
    }

    /** On every transaction: a loop, not a stream. */
    private static boolean anyKeyless(WalTransaction tx) {
        for (WalChange c : tx.changes()) {
            if (c.keyless()) {
                return true;
            }
        }
        return false;
    }

    /**
     * The key columns of the table {@code schema.table} designated at {@code at}, for a change with this
     * image, from the journal's rows under or away from that name in journal order; null when none fits.
     */
    List<String> keyAsOf(List<SchemaChange> named, String schema, String table, Instant at, ObjectNode image) {
        SchemaChange last = null;
        List<SchemaChange> later = new ArrayList<>();
        for (SchemaChange row : named) {
            if (row.createdAt().isAfter(at)) {
                later.add(row);
            } else {
                last = row;
            }
        }
        if (last != null && designates(last, schema, table) && fits(last, image)) {
            return last.keyColumns();
        }
        for (SchemaChange row : later) {
            if (fits(row, image)) {
                return row.keyColumns();
            }
        }
        // The change's own transaction renamed (or dropped) the table after writing it: the shape the
        // rename or drop kept, else an older one.
        for (int i = named.size() - 1; i >= 0; i--) {
            SchemaChange row = named.get(i);
            if (!row.createdAt().isAfter(at) && fits(row, image)) {
                return row.keyColumns();
            }
        }
        return null;
    }

    /** Whether the name designates the row's table after the change it records. */
    private static boolean designates(SchemaChange row, String schema, String table) {
        return row.kind() != SchemaChange.Kind.DROP_TABLE && row.tableSchema().equals(schema)
                && row.tableName().equals(table);
    }

    private boolean fits(SchemaChange row, ObjectNode image) {
        if (row.keyColumns().isEmpty() || image == null) {
            return false;
        }
        Set<String> shape = columns.computeIfAbsent(row.id(), id -> columnNames(row));
        for (Iterator<String> names = image.fieldNames(); names.hasNext(); ) {
            if (!shape.contains(names.next())) {
                return false;
            }
        }
        for (String key : row.keyColumns()) {
            JsonNode value = image.get(key);
            if (value == null || value.isNull()) {
                return false;
            }
        }
        return true;
    }

    private static Set<String> columnNames(SchemaChange row) {
        Set<String> names = new HashSet<>();
        try {
            for (JsonNode column : JSON.readTree(row.columnsJson())) {
                names.add(column.path("name").asText());
            }
        } catch (JsonProcessingException e) {
            // Written by flux.record_schema_changes (jsonb_agg): never malformed
            throw new IllegalStateException("schema journal row " + row.id() + " has unreadable columns", e);
        }
        return names;
    }
}

package flux.capture;

import flux.log.SchemaChange;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Tables without a database: every table is published from the start unless {@link #joinedAt} says otherwise. */
final class FakePublishedTables implements PublishedTables {
    private final Map<String, Long> joined = new HashMap<>();
    private final Map<String, List<String>> keys = new HashMap<>();
    private final Map<String, List<SchemaChange>> journal = new HashMap<>();

    /** The table joined the publication at {@code lsn} (Long.MAX_VALUE: not yet), with these key columns. */
    FakePublishedTables joinedAt(String schema, String table, long lsn, List<String> keyColumns) {
        joined.put(schema + "." + table, lsn);
        keys.put(schema + "." + table, keyColumns);
        return this;
    }

    /** The schema journal's changes under or away from the table's name, in journal order. */
    FakePublishedTables journaled(String schema, String table, List<SchemaChange> changes) {
        journal.put(schema + "." + table, changes);
        return this;
    }

    @Override
    public boolean publishedAt(String schema, String table, long lsn) {
        return joined.getOrDefault(schema + "." + table, Long.MIN_VALUE) <= lsn;
    }

    @Override
    public List<String> keyColumns(String schema, String table) {
        return keys.getOrDefault(schema + "." + table, List.of("id"));
    }

    @Override
    public List<SchemaChange> journaledUnder(String schema, String table) {
        return journal.getOrDefault(schema + "." + table, List.of());
    }

    @Override
    public void close() {
    }
}

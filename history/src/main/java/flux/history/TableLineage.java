package flux.history;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import flux.log.SchemaChange;
import flux.log.SchemaJournal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A table's schema changes as the journal recorded them ({@code flux.schema_changes}, by table oid),
 * and what history makes of them. The log stores images keyed by the column names of the moment they
 * were written, under the table name of that moment; this turns them into the table's names now
 * (a renamed column is the same column, a renamed table the same table) and back into the shape the
 * row had at a given time. Immutable.
 *
 * <p>Changes are placed in time by when the journal recorded them: inside the DDL's transaction
 * (capture's event trigger, a migration), or a moment after it committed (the detector, within
 * its poll interval). A record written under a new name in that moment is already in the new shape:
 * translating only touches names that are in the image, so it is left as it is.
 */
final class TableLineage {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final TableLineage NONE = new TableLineage(List.of(), List.of());

    private final List<SchemaChange> changes;
    private final List<SchemaChange> nameTakers;

    private TableLineage(List<SchemaChange> changes, List<SchemaChange> nameTakers) {
        this.changes = List.copyOf(changes);
        this.nameTakers = List.copyOf(nameTakers);
    }

    /**
     * From the journal rows of one table and those by which other tables took its former names
     * ({@link SchemaJournal#nameTakers}), each in journal order.
     */
    static TableLineage of(List<SchemaChange> changes, List<SchemaChange> nameTakers) {
        return changes.isEmpty() ? NONE : new TableLineage(changes, nameTakers);
    }

    /** The lineage of the table with this oid, from the journal. */
    static TableLineage read(Connection c, long tableOid) throws SQLException {
        return of(SchemaJournal.ofTable(c, tableOid), SchemaJournal.nameTakers(c, tableOid));
    }

    List<SchemaChange> changes() {
        return changes;
    }

    /**
     * The names the table had, oldest first, each with the time another table took it after this one
     * was renamed away from it ({@code until}; null while no other table did, and for the last name).
     * Records logged under a former name after that belong to the other table. Records logged under
     * it after the rename but before any other table took it are this table's: capture logs a raw
     * write under the name the table had when it was written, a moment after it committed, and so
     * may log it after the rename was journaled.
     */
    List<NameSpan> names(TableRef current) {
        List<NameSpan> names = new ArrayList<>();
        for (SchemaChange ch : changes) {
            if (ch.kind() == SchemaChange.Kind.RENAME_TABLE) {
                TableRef former = new TableRef(ch.oldTableSchema(), ch.oldTableName());
                names.add(new NameSpan(former, takenAfter(former, ch.id())));
            }
        }
        names.add(new NameSpan(current, null));
        return names;
    }

    /** When another table first took {@code name} after journal entry {@code afterId}; null if none did. */
    private Instant takenAfter(TableRef name, long afterId) {
        for (SchemaChange taker : nameTakers) {
            if (taker.id() > afterId && taker.tableSchema().equals(name.schema())
                    && taker.tableName().equals(name.name())) {
                return taker.createdAt();
            }
        }
        return null;
    }

    /** A name the table had, and when it stopped having it (null: it still has it, or had it last). */
    record NameSpan(TableRef table, Instant until) {
    }

    /** The name column {@code column}, as written at {@code writtenAt}, has now. */
    String nameNow(String column, Instant writtenAt) {
        String name = column;
        for (SchemaChange ch : changes) {
            if (ch.kind() == SchemaChange.Kind.RENAME_COLUMN && ch.createdAt().isAfter(writtenAt)
                    && ch.oldColumnName().equals(name)) {
                name = ch.columnName();
            }
        }
        return name;
    }

    /** The columns of {@code image} (written at {@code writtenAt}) renamed since: name now to name then. */
    Map<String, String> renamedSince(ObjectNode image, Instant writtenAt) {
        Map<String, String> renamed = new LinkedHashMap<>();
        if (image != null) {
            image.fieldNames().forEachRemaining(column -> {
                String now = nameNow(column, writtenAt);
                if (!now.equals(column)) {
                    renamed.put(now, column);
                }
            });
        }
        return renamed;
    }

    /** {@code image}, written at {@code writtenAt}, with its columns under their names now (null stays null). */
    ObjectNode namesNow(ObjectNode image, Instant writtenAt) {
        if (image == null || changes.isEmpty()) {
            return image;
        }
        ObjectNode out = JSON.createObjectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = image.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            out.set(nameNow(field.getKey(), writtenAt), field.getValue());
        }
        return out;
    }

    /** {@code columns} (written at {@code writtenAt}) under their names now, in the same order. */
    List<String> namesNow(List<String> columns, Instant writtenAt) {
        if (columns == null || changes.isEmpty()) {
            return columns;
        }
        return columns.stream().map(c -> nameNow(c, writtenAt)).toList();
    }

    /**
     * The row as it was at {@code at}, from an image written at {@code writtenAt} (not after {@code at}):
     * columns renamed in between under the names they had at {@code at}, columns dropped in between
     * gone, columns added in between with the value rows that existed got (their default; null when
     * each row got its own, from a volatile default).
     */
    ObjectNode shapeAt(ObjectNode image, Instant writtenAt, Instant at) {
        if (image == null || changes.isEmpty()) {
            return image;
        }
        ObjectNode row = image.deepCopy();
        for (SchemaChange ch : changes) {
            if (!ch.createdAt().isAfter(writtenAt) || ch.createdAt().isAfter(at)) {
                continue;
            }
            switch (ch.kind()) {
                case RENAME_COLUMN -> {
                    if (row.has(ch.oldColumnName())) {
                        row.set(ch.columnName(), row.remove(ch.oldColumnName()));
                    }
                }
                case DROP_COLUMN -> row.remove(ch.columnName());
                case ADD_COLUMN -> {
                    if (!row.has(ch.columnName())) {
                        row.set(ch.columnName(), ch.valueForExisting() == null ? NullNode.getInstance()
                                : parse(ch.valueForExisting()));
                    }
                }
                default -> {
                    // table-level changes leave the row's columns as they are
                }
            }
        }
        return row;
    }

    /** The changes recorded from {@code from} (exclusive; null: the first) to {@code to} (inclusive; null: the last). */
    List<SchemaChange> between(Instant from, Instant to) {
        return changes.stream()
                .filter(ch -> (from == null || ch.createdAt().isAfter(from)) && (to == null || !ch.createdAt().isAfter(to)))
                .toList();
    }

    /** The columns the table had when it was dropped, or null when it was not. */
    List<String> columnsAtDrop() {
        SchemaChange last = changes.isEmpty() ? null : changes.get(changes.size() - 1);
        if (last == null || last.kind() != SchemaChange.Kind.DROP_TABLE) {
            return null;
        }
        List<String> columns = new ArrayList<>();
        parse(last.columnsJson()).forEach(c -> columns.add(c.get("name").asText()));
        return columns;
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("flux.schema_changes holds unreadable JSON: " + json, e);
        }
    }
}

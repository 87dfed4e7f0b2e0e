package flux.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A change to a user table's shape, from {@code flux.schema_changes} (docs/capture.md, "Schema
 * changes"); keyed by {@code table_oid}, which survives renames. Order a table's schema changes and
 * rows by {@code lsn}.
 *
 * @param change           {@code create_table}, {@code drop_table}, {@code rename_table}, {@code add_column},
 *                         {@code drop_column}, {@code rename_column}, {@code alter_column_type}, {@code alter_primary_key}
 * @param columns          the table's columns after the change (before it, for a drop)
 * @param keyColumns       its primary key columns in key order
 * @param valueForExisting add_column: the value existing rows got (JSON null for NULL); else null
 * @param detectedBy       {@code event_trigger}, {@code migration} or {@code detector}
 * @param at               when it was journaled (ISO-8601)
 */
public record FluxSchemaChange(long id, String change, String schema, String table, String oldSchema,
                               String oldTable, String column, String oldColumn, String type, String oldType,
                               JsonNode valueForExisting, List<Column> columns, List<String> keyColumns,
                               String migration, String detectedBy, String command, String role, long tableOid,
                               String at, Long txid, long lsn, long tsMs) implements FluxMessage {

    /** A column of the table's shape. */
    public record Column(String name, String type) {
    }
}

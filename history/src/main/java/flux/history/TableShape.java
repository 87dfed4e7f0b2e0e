package flux.history;

import java.util.List;

/**
 * A table as history reads it: its columns in table order and its primary key columns in key order
 * (empty when it has none, or when they are unknown: a table gone before the journal knew it), as
 * pg_catalog describes it now, or as the journal last saw it when it was dropped ({@code dropped}).
 * {@code lineage} holds its schema changes (renames, added and dropped columns).
 */
record TableShape(TableRef table, List<String> columns, List<String> keyColumns, boolean dropped,
                  TableLineage lineage) {
}

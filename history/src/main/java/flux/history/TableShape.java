package flux.history;

import java.util.List;

/**
 * A table as pg_catalog describes it now: its columns in table order and its primary key
 * columns in key order (empty when it has none).
 */
record TableShape(TableRef table, List<String> columns, List<String> keyColumns) {
}

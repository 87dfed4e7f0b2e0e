package flux.query.sql;

import flux.query.InvalidQuery;
import flux.query.catalog.Column;
import flux.query.catalog.Table;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The columns an insert or update assigns, and where each value sits in the query's rows. */
final class WriteColumns {
    private WriteColumns() {
    }

    /**
     * The named columns (each checked writable, in the order named, so the first bad name is the
     * one reported) in the table's column order: the same write with its JSON keys in another
     * order compiles to the same SQL text, so it reuses the connection's prepared statement and
     * counts as the same shape for observability.
     */
    static List<Column> inTableOrder(Table table, Set<String> names) {
        Set<Column> named = new HashSet<>();
        for (String name : names) {
            named.add(writable(table, name));
        }
        List<Column> ordered = new ArrayList<>(named.size());
        for (Column c : table.columns()) {
            if (named.contains(c)) {
                ordered.add(c);
            }
        }
        return ordered;
    }

    /** The value of column {@code c} in the query's row {@code r}. */
    static Values.At rowValue(int r, Column c) {
        String name = c.name();
        return q -> q.rows().get(r).get(name);
    }

    private static Column writable(Table table, String name) {
        Column c = table.column(name);
        if (c.generated()) {
            throw new InvalidQuery("column \"" + table.name() + "." + c.name() + "\" is generated and cannot be written");
        }
        return c;
    }
}

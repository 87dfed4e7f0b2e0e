package flux.query.sql;

import flux.pg.Identifiers;
import flux.query.catalog.Column;
import flux.query.catalog.ColumnKind;
import flux.query.catalog.Table;
import flux.query.model.Query;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/** How a statement names a table's rows and shows them: the table, the row_id text, the row as JSON. */
final class RowSql {
    private RowSql() {
    }

    static String target(Table table) {
        return Identifiers.qualified(table.schema(), table.name());
    }

    /** The row_id expression: the key's text form, or a JSON array of them for a composite key. */
    static String key(Table table, String alias) {
        return key(table.primaryKey().stream().map(c -> alias + "." + Identifiers.quote(c.name())).toList());
    }

    /** {@link #key(Table, String)} of the key columns' value expressions, in key order. */
    static String key(List<String> values) {
        if (values.size() == 1) {
            return "CAST(" + values.get(0) + " AS text)";
        }
        StringJoiner parts = new StringJoiner(", ", "array_to_json(ARRAY[", "])::text");
        for (String v : values) {
            parts.add("CAST(" + v + " AS text)");
        }
        return parts.toString();
    }

    /** The row as JSON text in column order, restricted to the requested columns; bytea as base64. */
    static String rowJson(Query query, Table table, String alias) {
        if (query.columns().isEmpty() && !table.hasBytes()) {
            return "row_to_json(" + alias + ".*)::text";
        }
        return "(SELECT row_to_json(flux_p.*)::text FROM (SELECT " + projection(query, table, alias) + ") AS flux_p)";
    }

    static String projection(Query query, Table table, String alias) {
        List<Column> columns = new ArrayList<>();
        if (query.columns().isEmpty()) {
            columns.addAll(table.columns());
        } else {
            for (String name : query.columns()) {
                columns.add(table.column(name));
            }
        }
        StringJoiner list = new StringJoiner(", ");
        for (Column c : columns) {
            String ref = alias + "." + Identifiers.quote(c.name());
            list.add(c.kind() == ColumnKind.BYTES
                    ? "encode(" + ref + ", 'base64') AS " + Identifiers.quote(c.name())
                    : ref);
        }
        return list.toString();
    }
}

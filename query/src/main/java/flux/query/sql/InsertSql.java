package flux.query.sql;

import com.fasterxml.jackson.databind.node.ObjectNode;
import flux.pg.Identifiers;
import flux.query.InvalidQuery;
import flux.query.catalog.Column;
import flux.query.catalog.Table;
import flux.query.model.Query;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;

/** An insert of one or more rows (a bulk insert is one statement), each row recorded. */
final class InsertSql {
    private InsertSql() {
    }

    static String insert(Query query, Table table, boolean records, Params params) {
        QueryChecks.requireKey(table);
        if (!query.filters().isEmpty()) {
            throw new InvalidQuery("an insert takes no filters");
        }
        if (query.rows().isEmpty()) {
            throw new InvalidQuery("an insert needs \"data\": an object, or an array of objects");
        }
        Set<String> names = new LinkedHashSet<>();
        for (ObjectNode row : query.rows()) {
            row.fieldNames().forEachRemaining(names::add);
        }
        List<Column> columns = WriteColumns.inTableOrder(table, names);
        StringBuilder dml = new StringBuilder("INSERT INTO ").append(RowSql.target(table)).append(" AS t");
        if (columns.isEmpty()) {
            if (query.rows().size() > 1) {
                throw new InvalidQuery("a bulk insert needs at least one column in its rows");
            }
            dml.append(" DEFAULT VALUES");
        } else {
            StringJoiner cols = new StringJoiner(", ", " (", ")");
            columns.forEach(c -> cols.add(Identifiers.quote(c.name())));
            // Rows brought back as they were keep their identity ALWAYS values (a no-op elsewhere).
            dml.append(cols).append(query.restoring() ? " OVERRIDING SYSTEM VALUE" : "").append(" VALUES ");
            StringJoiner tuples = new StringJoiner(", ");
            for (int r = 0; r < query.rows().size(); r++) {
                ObjectNode row = query.rows().get(r);
                StringJoiner tuple = new StringJoiner(", ", "(", ")");
                for (Column c : columns) {
                    tuple.add(row.get(c.name()) == null ? "DEFAULT" : Values.bind(c, WriteColumns.rowValue(r, c), params));
                }
                tuples.add(tuple.toString());
            }
            dml.append(tuples);
        }
        dml.append(" RETURNING ").append(RowSql.rowJson(query, table, "t"))
                .append(" AS r, NULL::jsonb AS o, to_jsonb(t.*) AS n, ").append(RowSql.key(table, "t"))
                .append(" AS k, NULL::text[] AS c");
        return RecordedWrite.wrap(dml.toString(), params, table, RecordedWrite.recordCte(query), records, false);
    }
}

package flux.query.sql;

import com.fasterxml.jackson.databind.node.ObjectNode;
import flux.log.CommittedRecords;
import flux.pg.Identifiers;
import flux.query.InvalidQuery;
import flux.query.catalog.Column;
import flux.query.catalog.ColumnEquality;
import flux.query.catalog.Table;
import flux.query.model.Query;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.StringJoiner;

/**
 * An update of the filtered rows (or of all, when the query says so), each row recorded with
 * its images before and after and the columns that changed.
 *
 * <p>On PostgreSQL 18 and later, UPDATE takes its before image from {@code RETURNING OLD};
 * before 18, from a {@code FOR UPDATE} self-join on the primary key, which locks the rows first
 * so the image is the version the update replaces.
 */
final class UpdateSql {
    private UpdateSql() {
    }

    /** {@code serverVersion}: {@code server_version_num}, which says how the before image is taken. */
    static String update(Query query, Table table, boolean records, Params params, int serverVersion) {
        QueryChecks.requireKey(table);
        ObjectNode data = assignments(query);
        QueryChecks.requireFiltersOrAll(query);
        StringJoiner set = new StringJoiner(", ", " SET ", "");
        Set<String> names = new LinkedHashSet<>();
        data.fieldNames().forEachRemaining(names::add);
        for (Column c : WriteColumns.inTableOrder(table, names)) {
            set.add(Identifiers.quote(c.name()) + " = " + Values.bind(c, WriteColumns.rowValue(0, c), params));
        }
        StringBuilder dml = new StringBuilder("UPDATE ").append(RowSql.target(table)).append(" AS t").append(set);
        // Only an update that assigns a key column can move the row to another key: it alone returns
        // the key before (ko), so the record can name both (docs/history.md, key changes).
        boolean keyAssigned = table.primaryKey().stream().anyMatch(k -> names.contains(k.name()));
        if (serverVersion >= SqlCompiler.RETURNING_OLD_SINCE) {
            returningOld(dml, query, table, keyAssigned, params);
        } else {
            selfJoin(dml, query, table, keyAssigned, params);
        }
        return RecordedWrite.wrap(dml.toString(), params, table, keyAssigned ? CommittedRecords.keyChangingUpdateCte()
                : RecordedWrite.recordCte(query), records, !SqlCompiler.prefersGenericPlan(query, table));
    }

    /** The update's one row of column values; refused unless there is exactly one, and it names a column. */
    static ObjectNode assignments(Query query) {
        if (query.rows().size() != 1 || query.rows().get(0).isEmpty()) {
            throw new InvalidQuery("an update needs \"data\": one object of column values");
        }
        return query.rows().get(0);
    }

    /** PostgreSQL 18 and later: the images and the changed columns from {@code RETURNING OLD/NEW}. */
    private static void returningOld(StringBuilder dml, Query query, Table table, boolean keyAssigned, Params params) {
        dml.append(WriteGate.lockedWhere(query, table, "t", params))
                .append(" RETURNING WITH (OLD AS flux_old, NEW AS flux_new) ")
                .append(RowSql.rowJson(query, table, "flux_new"))
                .append(" AS r, to_jsonb(flux_old.*) AS o, to_jsonb(flux_new.*) AS n, ")
                .append(RowSql.key(table, "flux_new")).append(" AS k, ")
                .append(changedColumns(table, params)).append(" AS c")
                .append(keyAssigned ? ", " + RowSql.key(table, "flux_old") + " AS ko" : "");
    }

    /** Before PostgreSQL 18: the before image from a self-join that locks the rows first. */
    private static void selfJoin(StringBuilder dml, Query query, Table table, boolean keyAssigned, Params params) {
        StringJoiner keyCols = new StringJoiner(", ");
        StringJoiner join = new StringJoiner(" AND ", " WHERE ", "");
        for (Column k : table.primaryKey()) {
            keyCols.add("x." + Identifiers.quote(k.name()));
            join.add("t." + Identifiers.quote(k.name()) + " = flux_o." + Identifiers.quote(k.name()));
        }
        dml.append(" FROM (SELECT ").append(keyCols).append(", to_jsonb(x.*) AS flux_old FROM ")
                .append(RowSql.target(table)).append(" AS x").append(WriteGate.lockedWhere(query, table, "x", params))
                .append(" FOR UPDATE OF x) AS flux_o").append(join)
                .append(" RETURNING ").append(RowSql.rowJson(query, table, "t"))
                .append(" AS r, flux_o.flux_old AS o, to_jsonb(t.*) AS n, ").append(RowSql.key(table, "t"))
                .append(" AS k, ARRAY(SELECT u.c FROM unnest(CAST(? AS text[])) WITH ORDINALITY AS u(c, i)")
                .append(" WHERE flux_o.flux_old -> u.c IS DISTINCT FROM to_jsonb(t.*) -> u.c ORDER BY u.i) AS c")
                .append(keyAssigned ? ", " + RowSql.key(table, "flux_o") + " AS ko" : "");
        params.fixed(table.columnNames());
    }

    /**
     * The columns an update changed, in table order: each compared in its own type where that
     * agrees with the JSON images the record keeps ({@link ColumnEquality}), else by its image.
     * Typed comparisons in RETURNING cost a fraction of looking every column up in two jsonb
     * images. Column names are bound like any value.
     */
    private static String changedColumns(Table table, Params params) {
        StringJoiner cases = new StringJoiner(", ", "array_remove(ARRAY[", "], NULL)");
        for (Column c : table.columns()) {
            String before = "flux_old." + Identifiers.quote(c.name());
            String after = "flux_new." + Identifiers.quote(c.name());
            String differs = c.equality() == ColumnEquality.IMAGE
                    ? "to_jsonb(" + before + ") IS DISTINCT FROM to_jsonb(" + after + ")"
                    : before + " IS DISTINCT FROM " + after;
            cases.add("CASE WHEN " + differs + " THEN CAST(? AS text) END");
            params.fixed(c.name());
        }
        return cases.toString();
    }
}

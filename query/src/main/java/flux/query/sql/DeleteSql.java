package flux.query.sql;

import flux.query.InvalidQuery;
import flux.query.catalog.Table;
import flux.query.model.Query;

/** A delete of the filtered rows (or of all, when the query says so), each row's last image recorded. */
final class DeleteSql {
    private DeleteSql() {
    }

    static String delete(Query query, Table table, boolean records, Params params) {
        QueryChecks.requireKey(table);
        if (!query.rows().isEmpty()) {
            throw new InvalidQuery("a delete takes no \"data\"");
        }
        QueryChecks.requireFiltersOrAll(query);
        String dml = "DELETE FROM " + RowSql.target(table) + " AS t" + WriteGate.lockedWhere(query, table, "t", params)
                + " RETURNING " + RowSql.rowJson(query, table, "t") + " AS r, to_jsonb(t.*) AS o, NULL::jsonb AS n, "
                + RowSql.key(table, "t") + " AS k, NULL::text[] AS c";
        return RecordedWrite.wrap(dml, params, table, RecordedWrite.recordCte(query), records,
                !SqlCompiler.prefersGenericPlan(query, table));
    }
}

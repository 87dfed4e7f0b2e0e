package flux.query.sql;

import flux.query.catalog.Table;
import flux.query.model.JsonCodec;
import flux.query.model.Operation;
import flux.query.model.Query;

/** The read behind the record of an update or delete whose statement failed ({@link SqlCompiler#attemptedImages}). */
final class AttemptedImagesSql {
    private AttemptedImagesSql() {
    }

    /**
     * The current images of the rows an update or delete targets, with the after image an update
     * would give, named {@code o, n, k} (row_id), {@code c} (changed columns, JSON array text);
     * at most {@link SqlCompiler#MAX_RECORDED_ATTEMPTS} rows.
     */
    static SqlStatement attemptedImages(Query query, Table table) {
        Params params = new Params(query);
        String newImage = "NULL::text";
        String changed = "NULL::text";
        if (query.operation() == Operation.UPDATE) {
            String assigned = JsonCodec.write(UpdateSql.assignments(query));
            params.fixed(assigned);
            newImage = "(to_jsonb(t.*) || CAST(? AS jsonb))::text";
            params.fixed(table.columnNames());
            changed = "(SELECT COALESCE(json_agg(u.c ORDER BY u.i), '[]')::text"
                    + " FROM unnest(CAST(? AS text[])) WITH ORDINALITY AS u(c, i)"
                    + " WHERE to_jsonb(t.*) -> u.c IS DISTINCT FROM (to_jsonb(t.*) || CAST(? AS jsonb)) -> u.c)";
            params.fixed(assigned);
        }
        String where = FilterSql.where(query, table, "t", params);
        params.fixed((long) SqlCompiler.MAX_RECORDED_ATTEMPTS);
        String sql = "SELECT to_jsonb(t.*)::text AS o, " + newImage + " AS n, " + RowSql.key(table, "t") + " AS k, " + changed
                + " AS c FROM " + RowSql.target(table) + " AS t" + where + " LIMIT ?";
        return new SqlStatement(sql, params.values());
    }
}

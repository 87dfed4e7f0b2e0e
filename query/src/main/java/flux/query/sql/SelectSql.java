package flux.query.sql;

import flux.pg.Identifiers;
import flux.query.catalog.Table;
import flux.query.model.Order;
import flux.query.model.Query;
import java.util.StringJoiner;

/** A select: the requested columns of the filtered rows as JSON, in order, limited to the server's cap. */
final class SelectSql {
    private SelectSql() {
    }

    /**
     * A select from {@code from} (the table, or a query text whose values {@code params} already
     * holds); the limit is the query's, at most {@code maxLimit}.
     */
    static String select(Query query, Table table, String from, Params params, int maxLimit) {
        StringBuilder sql = new StringBuilder("SELECT row_to_json(flux_r.*)::text FROM (SELECT ")
                .append(RowSql.projection(query, table, "t"))
                .append(" FROM ").append(from).append(" AS t")
                .append(FilterSql.where(query, table, "t", params));
        if (!query.order().isEmpty()) {
            StringJoiner terms = new StringJoiner(", ", " ORDER BY ", "");
            for (Order o : query.order()) {
                terms.add("t." + Identifiers.quote(table.column(o.column()).name()) + (o.descending() ? " DESC" : " ASC"));
            }
            sql.append(terms);
        }
        sql.append(" LIMIT ?");
        params.from(q -> (long) (q.limit() == null ? maxLimit : Math.min(q.limit(), maxLimit)));
        if (query.offset() != null && query.offset() > 0) {
            sql.append(" OFFSET ?");
            params.from(q -> (long) q.offset());
        }
        sql.append(") AS flux_r");
        return sql.toString();
    }
}

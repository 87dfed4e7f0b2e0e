package flux.observe;

/**
 * A column worth an index: filtered often, on a table large enough, that the planner scans
 * sequentially for lack of an index led by the column.
 *
 * @param filters     statements that filtered on the column since start
 * @param rows        the table's estimated rows ({@code pg_class.reltuples})
 * @param plan        the scan node that confirms it, e.g. {@code Seq Scan on public.big (cost=0.00..1791.00 rows=1)}
 * @param statement   the exact statement to run
 */
public record IndexSuggestion(String table, String column, long filters, long rows, String plan, double scanCost,
                              String statement) {
}

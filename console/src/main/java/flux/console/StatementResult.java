package flux.console;

import java.util.List;

/**
 * One statement of a console run, as it ran.
 *
 * @param auditId     its entry in the audit log
 * @param sql         the statement's text
 * @param columns     result columns (name and type), empty for a statement without a result set
 * @param rows        the rows, each value as PostgreSQL's text form (null for SQL null), at most the row limit
 * @param truncated   more rows were there than the row limit
 * @param rowCount    rows returned, or affected by a write (-1 when PostgreSQL reports none)
 * @param durationMs  wall time of the statement
 * @param error       {@code SQLSTATE: message} when it failed, else null
 */
public record StatementResult(long auditId, String sql, List<Column> columns, List<List<String>> rows,
                              boolean truncated, long rowCount, double durationMs, String error) {

    public record Column(String name, String type) {
    }

    public boolean failed() {
        return error != null;
    }
}

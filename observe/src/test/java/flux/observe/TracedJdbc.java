package flux.observe;

import flux.query.QueryTrace;
import flux.query.QueryObserver;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * A stand-in for the engine in tests: runs real SQL over JDBC, times it, and hands the
 * resulting {@link QueryTrace} to an observer, as the engine does after each statement.
 */
final class TracedJdbc {
    private final QueryObserver observer;

    TracedJdbc(QueryObserver observer) {
        this.observer = observer;
    }

    QueryTrace select(Connection c, String requestId, String table, String sql, List<Object> params, String... filters) {
        return run(c, requestId, "select", table, sql, params, List.of(filters));
    }

    QueryTrace run(Connection c, String requestId, String operation, String table, String sql, List<Object> params,
                   List<String> filters) {
        Instant started = Instant.now();
        long start = System.nanoTime();
        long rows = 0;
        String sqlState = null;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.size(); i++) {
                Object v = params.get(i);
                if (v instanceof String[]) {
                    ps.setArray(i + 1, c.createArrayOf("text", (String[]) v));
                } else {
                    ps.setObject(i + 1, v);
                }
            }
            if (ps.execute()) {
                try (ResultSet rs = ps.getResultSet()) {
                    while (rs.next()) {
                        rows++;
                    }
                }
            } else {
                rows = ps.getUpdateCount();
            }
        } catch (SQLException e) {
            sqlState = e.getSQLState();
        }
        QueryTrace trace = new QueryTrace(requestId, null, operation, "public", table, sql, params, filters, rows,
                System.nanoTime() - start, sqlState, started);
        observer.onQuery(trace);
        return trace;
    }
}

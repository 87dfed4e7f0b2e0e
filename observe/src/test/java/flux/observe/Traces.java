package flux.observe;

import flux.query.QueryTrace;
import java.time.Instant;
import java.util.List;

/** QueryTraces for tests. */
final class Traces {
    private Traces() {
    }

    static QueryTrace select(String requestId, String column, Object value, long durationNanos) {
        return new QueryTrace(requestId, null, "select", "public", "users",
                "SELECT * FROM \"public\".\"users\" AS t WHERE t.\"" + column + "\" = CAST(? AS integer) LIMIT ?",
                List.of(value, 1000L), List.of(column), 1, durationNanos, null, Instant.now());
    }

    static QueryTrace fromClient(QueryTrace t, String clientId) {
        return new QueryTrace(t.requestId(), clientId, t.operation(), t.tableSchema(), t.tableName(), t.sql(),
                t.parameters(), t.filterColumns(), t.rows(), t.durationNanos(), t.sqlState(), t.startedAt());
    }

    static QueryTrace ofTenant(QueryTrace t, String tenantId) {
        return new QueryTrace(t.requestId(), t.clientId(), t.operation(), t.tableSchema(), t.tableName(), t.sql(),
                t.parameters(), t.filterColumns(), t.rows(), t.durationNanos(), t.sqlState(), t.startedAt(), tenantId);
    }

    static QueryTrace withDuration(QueryTrace t, long durationNanos) {
        return new QueryTrace(t.requestId(), t.clientId(), t.operation(), t.tableSchema(), t.tableName(), t.sql(),
                t.parameters(), t.filterColumns(), t.rows(), durationNanos, t.sqlState(), t.startedAt());
    }
}

package flux.query;

import java.time.Instant;
import java.util.List;

/**
 * One statement the engine ran, as observability sees it. Built by the engine after the
 * statement finished (or failed) and handed to {@link QueryObserver#onQuery}.
 *
 * @param requestId     the request's id ({@code flux.request_id}); never null
 * @param clientId      who sent the request (an API key id or the remote address), for burst
 *                      detection across requests; null when unknown. Shown only as a fingerprint.
 * @param operation     {@code select}, {@code insert}, {@code update} or {@code delete}
 * @param tableSchema   the target table's schema (null is read as {@code public})
 * @param tableName     the target table
 * @param sql           the statement as sent, with {@code ?} or {@code $n} placeholders and no values
 * @param parameters    the bound values in placeholder order; never shown outside the process
 * @param filterColumns the columns of the WHERE clause, in order (empty for none)
 * @param rows          rows returned or affected
 * @param durationNanos wall time of the statement
 * @param sqlState      the SQLSTATE of the failure, null when the statement succeeded
 * @param startedAt     when the statement started
 * @param tenantId      the tenant the request acted for, null for a caller without one (open mode):
 *                      a tenant's key reads back only its own tenant's observations
 *
 * <p>The lists are kept as given, not copied: the engine must not change them after the call.
 */
public record QueryTrace(String requestId, String clientId, String operation, String tableSchema,
                         String tableName, String sql, List<Object> parameters, List<String> filterColumns,
                         long rows, long durationNanos, String sqlState, Instant startedAt, String tenantId) {
    public QueryTrace {
        parameters = parameters == null ? List.of() : parameters;
        filterColumns = filterColumns == null ? List.of() : filterColumns;
        operation = operation == null ? "unknown" : operation;
        startedAt = startedAt == null ? Instant.now() : startedAt;
    }

    /** A statement of a request without a tenant. */
    public QueryTrace(String requestId, String clientId, String operation, String tableSchema, String tableName,
                      String sql, List<Object> parameters, List<String> filterColumns, long rows, long durationNanos,
                      String sqlState, Instant startedAt) {
        this(requestId, clientId, operation, tableSchema, tableName, sql, parameters, filterColumns, rows,
                durationNanos, sqlState, startedAt, null);
    }

    /** The schema, {@code public} when the engine did not say. */
    public String schema() {
        return tableSchema == null ? "public" : tableSchema;
    }

    /** {@code schema.table}, the collection name of the span and the metrics' table label. */
    public String qualifiedTable() {
        return tableName == null ? "" : schema() + "." + tableName;
    }

    public boolean failed() {
        return sqlState != null;
    }
}

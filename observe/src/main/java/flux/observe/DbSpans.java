package flux.observe;

import flux.query.QueryTrace;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The OpenTelemetry database semantic conventions (v1.26+ names) as Flux fills them, in one
 * place for the in-memory window and the OTLP exporter. Values of parameters are never
 * attributes: {@code db.query.text} is the parameterized statement.
 */
public final class DbSpans {
    public static final String DB_SYSTEM_NAME = "db.system.name";
    public static final String DB_OPERATION_NAME = "db.operation.name";
    public static final String DB_COLLECTION_NAME = "db.collection.name";
    public static final String DB_QUERY_TEXT = "db.query.text";
    public static final String DB_RETURNED_ROWS = "db.response.returned_rows";
    public static final String DB_STATUS_CODE = "db.response.status_code";
    public static final String ERROR_TYPE = "error.type";
    public static final String FLUX_REQUEST_ID = "flux.request_id";
    public static final String FLUX_TENANT_ID = "flux.tenant_id";
    public static final String POSTGRESQL = "postgresql";

    private DbSpans() {
    }

    /** {@code "SELECT public.users"}: operation and collection, as the conventions name a span. */
    public static String name(QueryTrace trace) {
        String op = trace.operation().toUpperCase(Locale.ROOT);
        return trace.tableName() == null ? op : op + " " + trace.qualifiedTable();
    }

    /** The span attributes, in a stable order. */
    public static Map<String, Object> attributes(QueryTrace trace) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put(DB_SYSTEM_NAME, POSTGRESQL);
        a.put(DB_OPERATION_NAME, trace.operation().toUpperCase(Locale.ROOT));
        if (trace.tableName() != null) {
            a.put(DB_COLLECTION_NAME, trace.qualifiedTable());
        }
        a.put(DB_QUERY_TEXT, trace.sql());
        a.put(DB_RETURNED_ROWS, trace.rows());
        if (trace.failed()) {
            a.put(DB_STATUS_CODE, trace.sqlState());
            a.put(ERROR_TYPE, trace.sqlState());
        }
        a.put(FLUX_REQUEST_ID, trace.requestId());
        if (trace.tenantId() != null) {
            a.put(FLUX_TENANT_ID, trace.tenantId());
        }
        return a;
    }

    /**
     * The trace id of a request: a UUID request id without its dashes, otherwise a 128-bit hash
     * of it. Every statement of a request shares it, here and in OTLP, so a request id finds
     * its trace in any backend.
     */
    public static String traceId(String requestId) {
        String id = requestId == null ? "" : requestId;
        if (id.length() == 36 && id.charAt(8) == '-' && id.charAt(13) == '-') {
            String hex = id.replace("-", "").toLowerCase(Locale.ROOT);
            if (hex.length() == 32 && hex.chars().allMatch(DbSpans::isHex) && !hex.chars().allMatch(c -> c == '0')) {
                return hex;
            }
        }
        return QueryShape.hex(QueryShape.fnv1a64("trace:" + id)) + QueryShape.hex(QueryShape.fnv1a64(id + ":trace"));
    }

    /** The span id standing for the request itself: the parent of its statements' spans. */
    public static String requestSpanId(String requestId) {
        long h = QueryShape.fnv1a64("span:" + requestId);
        return QueryShape.hex(h == 0 ? 1 : h);
    }

    private static boolean isHex(int c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    }
}

package flux.app.observe;

import com.fasterxml.jackson.databind.ObjectMapper;
import flux.observe.IndexAdvisor;
import flux.observe.IndexSuggestion;
import flux.observe.NPlusOneFinding;
import flux.observe.SlowQuery;
import flux.observe.TraceSpan;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON shapes of {@code /v1/observe/*} (snake_case, stable: the CLI's {@code --json} prints
 * them as they are). Built as ordered maps so the field order reads well.
 */
final class ObserveJson {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private ObserveJson() {
    }

    static Map<String, Object> span(TraceSpan s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("trace_id", s.traceId());
        m.put("span_id", s.spanId());
        m.put("parent_span_id", s.parentSpanId());
        m.put("name", s.name());
        m.put("kind", "CLIENT");
        m.put("start", s.start().toString());
        m.put("duration_ms", s.durationNanos() / 1_000_000.0);
        m.put("status", s.error() ? "ERROR" : "OK");
        m.put("attributes", s.attributes());
        return m;
    }

    static Map<String, Object> slow(SlowQuery q) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("shape_id", q.shapeId());
        m.put("operation", q.operation());
        m.put("table", q.table());
        m.put("sql", q.sql());
        m.put("count", q.count());
        m.put("max_ms", q.maxMs());
        m.put("mean_ms", q.meanMs());
        m.put("last_ms", q.lastMs());
        m.put("last_seen", q.lastSeen().toString());
        m.put("last_request_id", q.lastRequestId());
        m.put("plan", q.plan());
        m.put("plan_error", q.planError());
        return m;
    }

    static Map<String, Object> nPlusOne(NPlusOneFinding f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", f.kind());
        m.put("shape_id", f.shapeId());
        m.put("table", f.table());
        m.put("sql", f.sql());
        m.put("filter_columns", f.filterColumns());
        m.put("repetitions", f.repetitions());
        m.put("total_ms", f.totalMs());
        m.put("detections", f.detections());
        m.put("request_id", f.requestId());
        m.put("client", f.client());
        m.put("last_seen", f.lastSeen().toString());
        m.put("suggestion", f.suggestion());
        return m;
    }

    static Map<String, Object> index(IndexSuggestion s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("table", s.table());
        m.put("column", s.column());
        m.put("filters", s.filters());
        m.put("rows_estimate", s.rows());
        m.put("plan", s.plan());
        m.put("scan_cost", s.scanCost());
        m.put("statement", s.statement());
        return m;
    }

    static Map<String, Object> skipped(IndexAdvisor.Skipped s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("table", s.table());
        m.put("column", s.column());
        m.put("filters", s.filters());
        m.put("reason", s.reason());
        return m;
    }

    static <T> List<Map<String, Object>> all(List<T> items, java.util.function.Function<T, Map<String, Object>> shape) {
        return items.stream().map(shape).toList();
    }
}

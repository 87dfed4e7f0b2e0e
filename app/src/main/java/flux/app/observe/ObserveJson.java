package flux.app.observe;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import flux.observe.IndexAdvisor;
import flux.observe.IndexSuggestion;
import flux.observe.NPlusOneFinding;
import flux.observe.SlowQuery;
import flux.observe.TraceSpan;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The answers of {@code /v1/observe/*}, as records the server's Jackson writes: snake_case, in
 * declaration order, every member always present (null and empty lists too: the CLI's
 * {@code --json} prints them as they are, and readers rely on the keys being there).
 */
final class ObserveJson {
    private ObserveJson() {
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Traces(Window window, List<Span> spans) {
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Window(int capacity, long recorded) {
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Span(String traceId, String spanId, String parentSpanId, String name, String kind, String start,
                double durationMs, String status,
                @JsonInclude(content = JsonInclude.Include.ALWAYS) Map<String, Object> attributes) {
        static Span of(TraceSpan s) {
            return new Span(s.traceId(), s.spanId(), s.parentSpanId(), s.name(), "CLIENT", s.start().toString(),
                    s.durationNanos() / 1_000_000.0, s.error() ? "ERROR" : "OK", s.attributes());
        }
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Slow(long thresholdMs, long total, List<SlowShape> queries) {
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record SlowShape(String shapeId, String operation, String table, String sql, long count, double maxMs,
                     double meanMs, double lastMs, String lastSeen, String lastRequestId, String plan,
                     String planError, String tenantId) {
        static SlowShape of(SlowQuery q) {
            return new SlowShape(q.shapeId(), q.operation(), q.table(), q.sql(), q.count(), q.maxMs(), q.meanMs(),
                    q.lastMs(), q.lastSeen().toString(), q.lastRequestId(), q.plan(), q.planError(), q.tenantId());
        }
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record NPlusOne(int threshold, long minTotalMs, long burstWindowMs, List<Finding> findings) {
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Finding(String kind, String shapeId, String table, String sql, List<String> filterColumns, int repetitions,
                   double totalMs, long detections, String requestId, String client, String lastSeen,
                   String suggestion, String tenantId) {
        static Finding of(NPlusOneFinding f) {
            return new Finding(f.kind(), f.shapeId(), f.table(), f.sql(), f.filterColumns(), f.repetitions(),
                    f.totalMs(), f.detections(), f.requestId(), f.client(), f.lastSeen().toString(), f.suggestion(),
                    f.tenantId());
        }
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Indexes(int minFilters, long minRows, List<Suggestion> suggestions, List<Skipped> skipped) {
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Suggestion(String table, String column, long filters, long rowsEstimate, String plan, double scanCost,
                      String statement) {
        static Suggestion of(IndexSuggestion s) {
            return new Suggestion(s.table(), s.column(), s.filters(), s.rows(), s.plan(), s.scanCost(), s.statement());
        }
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Skipped(String table, String column, long filters, String reason) {
        static Skipped of(IndexAdvisor.Skipped s) {
            return new Skipped(s.table(), s.column(), s.filters(), s.reason());
        }
    }

    static <T, R> List<R> all(List<T> items, Function<T, R> shape) {
        return items.stream().map(shape).toList();
    }
}

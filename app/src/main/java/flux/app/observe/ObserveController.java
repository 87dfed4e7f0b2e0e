package flux.app.observe;

import com.fasterxml.jackson.core.JsonProcessingException;
import flux.app.http.Problem;
import flux.observe.IndexAdvisor;
import flux.observe.QueryObservers;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;

/**
 * {@code /v1/observe}: what query observability found. {@code traces}, {@code slow} and
 * {@code nplus1} read memory; {@code indexes} asks the database (catalog and planner) at the
 * time of the call, so a suggestion disappears once its index exists.
 */
@Controller("/v1/observe")
@ExecuteOn(TaskExecutors.BLOCKING)
final class ObserveController {
    private static final int DEFAULT_LIMIT = 100;

    private final QueryObservers observers;
    private final DataSource dataSource;

    ObserveController(QueryObservers observers, DataSource dataSource) {
        this.observers = observers;
        this.dataSource = dataSource;
    }

    @Get("/traces")
    HttpResponse<?> traces(@Nullable @QueryValue("request_id") String requestId, @Nullable @QueryValue String limit) {
        int max = observers.traces().capacity();
        Integer n = parseLimit(limit, max);
        if (n == null) {
            return badLimit(limit, max);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("window", Map.of("capacity", max, "recorded", observers.traces().recorded()));
        body.put("spans", ObserveJson.all(observers.traces().recent(blankToNull(requestId), n), ObserveJson::span));
        return json(body);
    }

    @Get("/slow")
    HttpResponse<String> slow() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("threshold_ms", observers.settings().slowThreshold().toMillis());
        body.put("total", observers.slowQueries().total());
        body.put("queries", ObserveJson.all(observers.slowQueries().list(), ObserveJson::slow));
        return json(body);
    }

    @Get("/nplus1")
    HttpResponse<String> nPlusOne() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("threshold", observers.settings().nPlusOneThreshold());
        body.put("min_total_ms", observers.settings().nPlusOneMinTotal().toMillis());
        body.put("burst_window_ms", observers.settings().burstWindow().toMillis());
        body.put("findings", ObserveJson.all(observers.nPlusOne().findings(), ObserveJson::nPlusOne));
        return json(body);
    }

    @Get("/indexes")
    HttpResponse<?> indexes() {
        IndexAdvisor advisor = observers.indexAdvisor();
        IndexAdvisor.Advice advice;
        try {
            advice = advisor.advise(dataSource);
        } catch (SQLException e) {
            return Problem.of(HttpStatus.SERVICE_UNAVAILABLE, "database-unavailable", "Database unavailable",
                    "cannot check indexes: " + e.getMessage()).toResponse();
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("min_filters", advisor.minFilters());
        body.put("min_rows", advisor.minRows());
        body.put("suggestions", ObserveJson.all(advice.suggestions(), ObserveJson::index));
        body.put("skipped", ObserveJson.all(advice.skipped(), ObserveJson::skipped));
        return json(body);
    }

    /**
     * Serialized here, not by the server's mapper: its inclusion settings (Micronaut leaves out
     * empty lists and nulls) must not change these shapes; every field is always present.
     */
    private static HttpResponse<String> json(Map<String, Object> body) {
        try {
            return HttpResponse.ok(ObserveJson.MAPPER.writeValueAsString(body)).contentType(MediaType.APPLICATION_JSON_TYPE);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the observe answer", e);
        }
    }

    /** The limit, or null when it is not a whole number from 1 to {@code max}. */
    private static Integer parseLimit(String limit, int max) {
        if (limit == null || limit.isBlank()) {
            return Math.min(DEFAULT_LIMIT, max);
        }
        try {
            int n = Integer.parseInt(limit.strip());
            return n >= 1 && n <= max ? n : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static HttpResponse<?> badLimit(String limit, int max) {
        return Problem.of(HttpStatus.BAD_REQUEST, "invalid-parameter", "Invalid parameter",
                "limit must be a whole number from 1 to " + max + ", got \"" + limit + "\"").toResponse();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}

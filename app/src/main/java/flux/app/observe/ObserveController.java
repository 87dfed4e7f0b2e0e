package flux.app.observe;

import flux.app.http.Problem;
import flux.app.http.ProblemResponses;
import flux.app.http.QueryProblemHandler;
import flux.app.http.auth.Callers;
import flux.observe.IndexAdvisor;
import flux.observe.ObserveException;
import flux.observe.QueryObservers;
import flux.observe.TenantView;
import flux.tenancy.Principal;
import flux.tenancy.Role;
import flux.query.sql.SqlErrors;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import javax.sql.DataSource;

/**
 * {@code /v1/observe}: what query observability found. {@code traces}, {@code slow} and
 * {@code nplus1} read memory; {@code indexes} asks the database (catalog and planner) at the
 * time of the call, so a suggestion disappears once its index exists. An operator (open mode,
 * an admin key) sees every tenant's observations; any other key only its own tenant's: the
 * statements its requests ran, with their tables and request ids ({@link TenantView}).
 */
@Controller("/v1/observe")
@ProblemResponses.Unauthorized
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
    @ApiResponse(responseCode = "200", content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = ObserveJson.Traces.class)))
    @ProblemResponses.BadRequest
    HttpResponse<?> traces(HttpRequest<?> request, @Nullable @QueryValue("request_id") String requestId,
                           @Nullable @QueryValue String limit) {
        int max = observers.traces().capacity();
        Integer n = parseLimit(limit, max);
        if (n == null) {
            return badLimit(limit, max);
        }
        return HttpResponse.ok(new ObserveJson.Traces(new ObserveJson.Window(max, observers.traces().recorded()),
                ObserveJson.all(observers.traces().recent(blankToNull(requestId), viewOf(request), n), ObserveJson.Span::of)));
    }

    @Get("/slow")
    ObserveJson.Slow slow(HttpRequest<?> request) {
        TenantView view = viewOf(request);
        return new ObserveJson.Slow(observers.settings().slowThreshold().toMillis(),
                observers.slowQueries().total(view),
                ObserveJson.all(observers.slowQueries().list(view), ObserveJson.SlowShape::of));
    }

    @Get("/nplus1")
    ObserveJson.NPlusOne nPlusOne(HttpRequest<?> request) {
        return new ObserveJson.NPlusOne(observers.settings().nPlusOneThreshold(),
                observers.settings().nPlusOneMinTotal().toMillis(), observers.settings().burstWindow().toMillis(),
                ObserveJson.all(observers.nPlusOne().findings(viewOf(request)), ObserveJson.Finding::of));
    }

    @Get("/indexes")
    @ApiResponse(responseCode = "200", content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = ObserveJson.Indexes.class)))
    @ProblemResponses.Unavailable
    HttpResponse<?> indexes(HttpRequest<?> request) {
        IndexAdvisor advisor = observers.indexAdvisor();
        IndexAdvisor.Advice advice;
        try {
            advice = advisor.advise(dataSource, viewOf(request));
        } catch (ObserveException e) {
            return QueryProblemHandler.response(SqlErrors.connectionFailure("check indexes", e.sqlCause()), null);
        }
        return HttpResponse.ok(new ObserveJson.Indexes(advisor.minFilters(), advisor.minRows(),
                ObserveJson.all(advice.suggestions(), ObserveJson.Suggestion::of),
                ObserveJson.all(advice.skipped(), ObserveJson.Skipped::of)));
    }

    /** Every tenant's observations for an operator; a tenant's own for any other key. */
    static TenantView viewOf(HttpRequest<?> request) {
        Principal caller = Callers.of(request);
        return caller.tenantId() == null || caller.may(Role.ADMIN) ? TenantView.ALL : TenantView.of(caller.tenantId());
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

package flux.app.http;

import flux.app.http.auth.Callers;
import flux.history.Blame;
import com.fasterxml.jackson.annotation.JsonProperty;
import flux.history.History;
import flux.history.HistoryPage;
import flux.history.Moments;
import flux.history.PageRequest;
import flux.history.RequestPage;
import flux.history.RequestIdMatch;
import flux.history.RowSnapshot;
import flux.tenancy.TenantDirectory;
import flux.tenancy.TenantScope;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

/**
 * Row history over the mutation log (docs/history.md): {@code /v1/state/{table}/{id}/history},
 * {@code /blame}, {@code /at}, {@code /v1/requests/{requestId}} (a whole id or a unique prefix),
 * and {@code POST /v1/requests/abbreviations} (the short forms the CLI prints). Thin: parses parameters,
 * calls {@link History}; its errors become problems in {@link HistoryProblemHandler}.
 * Times without an offset are read as UTC. A caller with a tenant reads only its tenant's
 * records (another tenant's row or request is a 404, as if it never existed); a schema-mode
 * tenant's bare table names mean its own schema's tables.
 */
@Controller("/v1")
@ExecuteOn(TaskExecutors.BLOCKING)
@ProblemResponses.BadRequest
@ProblemResponses.Unauthorized
@ProblemResponses.Unavailable
final class HistoryController {
    private final History history;
    private final TenantDirectory tenants;

    HistoryController(History history, TenantDirectory tenants) {
        this.history = history;
        this.tenants = tenants;
    }

    @Get("/state/{table}/{id}/history")
    @ProblemResponses.NotFound
    HistoryPage history(HttpRequest<?> request, String table, String id, @Nullable @QueryValue String order,
                        @Nullable @QueryValue String limit, @Nullable @QueryValue String cursor,
                        @Nullable @QueryValue String from, @Nullable @QueryValue String to) {
        TenantScope scope = scope(request);
        return history.history(table(table, scope), id,
                PageRequest.parse(order, limit, cursor, from, to, ZoneOffset.UTC), tenant(scope));
    }

    @Get("/state/{table}/{id}/blame")
    @ProblemResponses.NotFound
    Blame blame(HttpRequest<?> request, String table, String id) {
        TenantScope scope = scope(request);
        return history.blame(table(table, scope), id, tenant(scope));
    }

    @Get("/state/{table}/{id}/at")
    @ProblemResponses.NotFound
    RowSnapshot at(HttpRequest<?> request, String table, String id, @Nullable @QueryValue String time) {
        TenantScope scope = scope(request);
        return history.at(table(table, scope), id, Moments.parse(time, ZoneOffset.UTC), tenant(scope));
    }

    @Get("/requests/{requestId}")
    @ProblemResponses.NotFound
    RequestPage request(HttpRequest<?> request, String requestId, @Nullable @QueryValue String limit,
                        @Nullable @QueryValue String cursor, @Nullable @QueryValue Boolean prefix) {
        return history.request(requestId, match(prefix), PageRequest.limit(limit), cursor, tenant(scope(request)));
    }

    /** {@code ?prefix=true}: the id may be a unique prefix, a short form the CLI or the UI printed. */
    static RequestIdMatch match(@Nullable Boolean prefix) {
        return Boolean.TRUE.equals(prefix) ? RequestIdMatch.EXACT_OR_UNIQUE_PREFIX : RequestIdMatch.EXACT;
    }

    /** The body of {@code POST /v1/requests/abbreviations}. */
    record AbbreviationsQuery(@JsonProperty("request_ids") List<String> requestIds) {
    }

    /** Each request id's short form: the shortest prefix (8 characters at least) no other request id has. */
    record Abbreviations(Map<String, String> abbreviations) {
    }

    @Post("/requests/abbreviations")
    @ProblemResponses.TooLarge
    Abbreviations abbreviations(@Body AbbreviationsQuery query) {
        return new Abbreviations(history.abbreviations(query.requestIds() == null ? List.of() : query.requestIds()));
    }

    private TenantScope scope(HttpRequest<?> request) {
        return Callers.scope(Callers.of(request), tenants);
    }

    private static String tenant(TenantScope scope) {
        return scope == null ? null : scope.tenantId();
    }

    private static String table(String table, TenantScope scope) {
        return Callers.historyTable(table, scope);
    }
}

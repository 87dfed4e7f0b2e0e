package flux.app.http;

import flux.app.http.auth.Callers;
import flux.history.History;
import flux.history.Moments;
import flux.history.PageRequest;
import flux.history.RowDiff;
import flux.history.TableChanges;
import flux.tenancy.TenantDirectory;
import flux.tenancy.TenantScope;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.time.ZoneOffset;

/**
 * Differences between two moments (docs/history.md, "Diff"): {@code GET /v1/state/{table}/{id}/diff}
 * (one row, column by column) and {@code GET /v1/state/{table}/changes} (the rows that changed, their
 * net changes, in keyset pages). {@code from} and {@code to} are required; times without an offset
 * are UTC. Tenants read their own records, as in {@link HistoryController}.
 */
@Controller("/v1")
@ExecuteOn(TaskExecutors.BLOCKING)
@ProblemResponses.BadRequest
@ProblemResponses.Unauthorized
@ProblemResponses.NotFound
@ProblemResponses.Unavailable
final class DiffController {
    private final History history;
    private final TenantDirectory tenants;

    DiffController(History history, TenantDirectory tenants) {
        this.history = history;
        this.tenants = tenants;
    }

    @Get("/state/{table}/{id}/diff")
    RowDiff diff(HttpRequest<?> request, String table, String id, @Nullable @QueryValue String from,
                 @Nullable @QueryValue String to) {
        TenantScope scope = Callers.scope(Callers.of(request), tenants);
        return history.diff(Callers.historyTable(table, scope), id, Moments.parse(from, ZoneOffset.UTC),
                Moments.parse(to, ZoneOffset.UTC), scope == null ? null : scope.tenantId());
    }

    @Get("/state/{table}/changes")
    TableChanges changes(HttpRequest<?> request, String table, @Nullable @QueryValue String from,
                         @Nullable @QueryValue String to, @Nullable @QueryValue String limit,
                         @Nullable @QueryValue String cursor) {
        TenantScope scope = Callers.scope(Callers.of(request), tenants);
        return history.changes(Callers.historyTable(table, scope), Moments.parse(from, ZoneOffset.UTC),
                Moments.parse(to, ZoneOffset.UTC), PageRequest.limit(limit), cursor,
                scope == null ? null : scope.tenantId());
    }
}

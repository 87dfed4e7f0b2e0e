package flux.app.http;

import flux.app.http.auth.Callers;
import flux.history.Moments;
import flux.history.Restore;
import flux.history.RestoredRow;
import flux.query.model.RequestId;
import flux.tenancy.Principal;
import flux.tenancy.Role;
import flux.tenancy.TenantDirectory;
import flux.tenancy.TenantScope;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.time.ZoneOffset;

/**
 * {@code POST /v1/state/{table}/{id}/restore[?at=TIME]} (docs/history.md, "Restore a deleted row"):
 * the row as it was before it was removed, or at {@code at}, inserted again as a request of its own
 * (its id from {@code X-Request-Id}, else made up, and echoed). A read-write key; a tenant restores
 * only its own rows. A row that exists is {@code 409 undo-refused}.
 */
@Controller("/v1")
@ExecuteOn(TaskExecutors.BLOCKING)
@ProblemResponses.BadRequest
@ProblemResponses.Unauthorized
@ProblemResponses.Forbidden
@ProblemResponses.NotFound
@ProblemResponses.Conflict
@ProblemResponses.Unavailable
final class RestoreController {
    private final Restore restore;
    private final TenantDirectory tenants;

    RestoreController(Restore restore, TenantDirectory tenants) {
        this.restore = restore;
        this.tenants = tenants;
    }

    @Post("/state/{table}/{id}/restore")
    HttpResponse<RestoredRow> restore(HttpRequest<?> request, String table, String id, @Nullable @QueryValue String at) {
        Principal caller = Callers.require(request, Role.READ_WRITE);
        TenantScope scope = Callers.scope(caller, tenants);
        RequestId requestId = QueryController.requestId(request);
        return QueryController.answer(requestId, restore.restore(Callers.historyTable(table, scope), id,
                at == null ? null : Moments.parse(at, ZoneOffset.UTC), scope, requestId,
                QueryController.clientId(request, caller)));
    }
}

package flux.app.http;

import com.fasterxml.jackson.annotation.JsonProperty;
import flux.app.http.auth.Callers;
import flux.history.Undo;
import flux.history.UndoForce;
import flux.history.UndoPlan;
import flux.query.model.RequestId;
import flux.tenancy.Principal;
import flux.tenancy.Role;
import flux.tenancy.TenantDirectory;
import flux.tenancy.TenantScope;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.util.List;

/**
 * {@code POST /v1/requests/{requestId}/undo[?dry_run=true]} (docs/history.md, "Undo a request"):
 * the undo's plan, applied as a request of its own (its id from {@code X-Request-Id}, else made up,
 * and echoed like a query's) unless it is a dry run. The body may force conflicts:
 * {@code {"force": ["users:42:email"], "force_all": false}}. A caller with a tenant undoes only its
 * tenant's requests, its writes narrowed like its queries; applying needs a read-write key, a dry
 * run a read-only one. Refusals are problems ({@link HistoryProblemHandler}, {@link UndoConflictHandler}).
 */
@Controller("/v1")
@ExecuteOn(TaskExecutors.BLOCKING)
@ProblemResponses.BadRequest
@ProblemResponses.Unauthorized
@ProblemResponses.Forbidden
@ProblemResponses.NotFound
@ProblemResponses.TooLarge
@ProblemResponses.Unavailable
final class UndoController {
    private final Undo undo;
    private final TenantDirectory tenants;

    UndoController(Undo undo, TenantDirectory tenants) {
        this.undo = undo;
        this.tenants = tenants;
    }

    /** The body: which conflicts to overwrite ({@code table:id:column}), or all of them. */
    record UndoRequest(@Nullable List<String> force, @Nullable @JsonProperty("force_all") Boolean forceAll) {
    }

    @Post("/requests/{requestId}/undo")
    @ApiResponse(responseCode = "200", description = "The plan (applied unless a dry run)",
            content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = UndoPlan.class)))
    @ApiResponse(responseCode = "409", description = "`undo-refused`, or `undo-conflict` with the conflicts listed",
            content = @Content(mediaType = ProblemResponses.MEDIA_TYPE,
                    schema = @Schema(implementation = UndoConflictHandler.ConflictProblem.class)))
    HttpResponse<UndoPlan> undo(HttpRequest<?> request, String requestId, @Nullable @QueryValue("dry_run") Boolean dryRun,
                                @Nullable @QueryValue Boolean prefix, @Nullable @Body UndoRequest body) {
        boolean dry = Boolean.TRUE.equals(dryRun);
        Principal caller = Callers.require(request, dry ? Role.READ_ONLY : Role.READ_WRITE);
        TenantScope scope = Callers.scope(caller, tenants);
        UndoForce force = body == null ? UndoForce.NONE
                : UndoForce.parse(Boolean.TRUE.equals(body.forceAll()), body.force());
        if (dry) {
            return HttpResponse.ok(undo.plan(requestId, HistoryController.match(prefix), scope, force));
        }
        RequestId id = QueryController.requestId(request);
        return QueryController.answer(id, undo.undo(requestId, HistoryController.match(prefix), scope, force, id, QueryController.clientId(request, caller)));
    }
}

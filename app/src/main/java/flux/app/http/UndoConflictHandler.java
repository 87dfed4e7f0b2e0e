package flux.app.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import flux.history.HistoryException;
import flux.history.UndoConflict;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.inject.Singleton;
import java.util.List;

/**
 * An undo refused for later changes it would overwrite: {@code 409 undo-conflict}, a problem that
 * also lists the conflicts (each with the later request, its value, and whether it was forced) and
 * the undone request, so a client can choose what to force and try again.
 */
@Produces
@Singleton
final class UndoConflictHandler implements ExceptionHandler<HistoryException.Conflicts, HttpResponse<UndoConflictHandler.ConflictProblem>> {

    /** RFC 9457 problem with the conflicts as an extension member. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(name = "UndoConflictProblem",
            requiredProperties = {"type", "title", "status", "undone_request_id", "conflicts"})
    record ConflictProblem(String type, String title, int status, String detail,
                           @JsonProperty("undone_request_id") String undoneRequestId, List<UndoConflict> conflicts) {
    }

    @Override
    public HttpResponse<ConflictProblem> handle(HttpRequest request, HistoryException.Conflicts e) {
        Problem p = HistoryProblemHandler.problem(e);
        return HttpResponse.<ConflictProblem>status(HttpStatus.CONFLICT)
                .body(new ConflictProblem(p.type(), p.title(), p.status(), p.detail(), e.plan().requestId(),
                        e.plan().conflicts()))
                .contentType(Problem.MEDIA_TYPE);
    }
}

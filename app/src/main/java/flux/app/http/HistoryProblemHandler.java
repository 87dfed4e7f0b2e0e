package flux.app.http;

import flux.history.HistoryException;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * History's errors as problems, the one place they are mapped: unknown table, row or request
 * 404; a malformed parameter 400; an undo or restore refused 409 ({@code undo-refused}; with later
 * changes in the way {@code undo-conflict}, listed by {@link UndoConflictHandler}); an ambiguous short request id too (with its candidates); a database that cannot be reached 503, one that fails the
 * read 500 (its message stays in the server log).
 */
@Produces
@Singleton
final class HistoryProblemHandler implements ExceptionHandler<HistoryException, HttpResponse<Problem>> {
    private static final Logger log = LoggerFactory.getLogger(HistoryProblemHandler.class);

    @Override
    public HttpResponse<Problem> handle(HttpRequest request, HistoryException e) {
        if (e instanceof HistoryException.DatabaseFailure) {
            log.error("{} {} failed: {}", request.getMethod(), request.getPath(), e.getMessage(), e);
        }
        return problem(e).toResponse();
    }

    static Problem problem(HistoryException e) {
        if (e instanceof HistoryException.UnknownTable) {
            return Problem.of(HttpStatus.NOT_FOUND, "unknown-table", "Unknown table", e.getMessage());
        }
        if (e instanceof HistoryException.UnknownRow) {
            return Problem.of(HttpStatus.NOT_FOUND, "unknown-row", "No history for this row", e.getMessage());
        }
        if (e instanceof HistoryException.UnknownRequest) {
            return Problem.of(HttpStatus.NOT_FOUND, "unknown-request", "No mutations for this request", e.getMessage());
        }
        if (e instanceof HistoryException.AmbiguousRequest ambiguous) {
            return Problem.of(HttpStatus.BAD_REQUEST, "ambiguous-request-id", "Ambiguous request id", e.getMessage())
                    .withCandidates(ambiguous.candidates());
        }
        if (e instanceof HistoryException.InvalidArgument) {
            return Problem.of(HttpStatus.BAD_REQUEST, "invalid-history-query", "Invalid history query", e.getMessage());
        }
        if (e instanceof HistoryException.Conflicts) {
            return Problem.of(HttpStatus.CONFLICT, "undo-conflict", "Later changes would be overwritten", e.getMessage());
        }
        if (e instanceof HistoryException.Refused) {
            return Problem.of(HttpStatus.CONFLICT, "undo-refused", "Cannot be undone or restored", e.getMessage());
        }
        if (e instanceof HistoryException.DatabaseFailure failure) {
            String sqlState = failure.sqlState();
            String detail = "reading history failed" + (sqlState == null ? "" : " (SQLSTATE " + sqlState + ")")
                    + "; see the server log";
            boolean unreachable = sqlState == null || sqlState.startsWith("08");
            return unreachable
                    ? Problem.of(HttpStatus.SERVICE_UNAVAILABLE, "database-unavailable", "Database unavailable", detail)
                    : Problem.of(HttpStatus.INTERNAL_SERVER_ERROR, "database-error", "Database error", detail);
        }
        throw new IllegalStateException("unmapped history error " + e.getClass().getName());
    }
}

package flux.app.http;

import flux.history.HistoryException;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;

/** History's errors as problems: unknown table, row or request 404; a malformed parameter 400. */
@Produces
@Singleton
final class HistoryProblemHandler implements ExceptionHandler<HistoryException, HttpResponse<Problem>> {

    @Override
    public HttpResponse<Problem> handle(HttpRequest request, HistoryException e) {
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
        return Problem.of(HttpStatus.BAD_REQUEST, "invalid-history-query", "Invalid history query", e.getMessage());
    }
}

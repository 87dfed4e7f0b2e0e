package flux.app.http;

import flux.query.sql.SqlErrors;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;
import java.sql.SQLException;

/**
 * A database error that reached HTTP outside the engine (history reads): classified as the
 * engine classifies its own and answered by {@link QueryProblemHandler}, so an exhausted pool is
 * 503 with Retry-After and a statement timeout 503 here too, never a bare 500.
 */
@Produces
@Singleton
final class SqlProblemHandler implements ExceptionHandler<SQLException, HttpResponse<Problem>> {
    @Override
    public HttpResponse<Problem> handle(HttpRequest request, SQLException e) {
        return QueryProblemHandler.response(SqlErrors.isPoolTimeout(e)
                ? SqlErrors.connectionFailure("read", e) : SqlErrors.classify(e), null);
    }
}

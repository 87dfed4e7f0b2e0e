package flux.app.http;

import flux.pg.DatabaseException;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;

/**
 * A failure of a statement of the log's or pg's ({@link DatabaseException}) that reached HTTP: answered
 * exactly as its {@link java.sql.SQLException} would be ({@link SqlProblemHandler}), which is what
 * reached HTTP before those modules' errors were unchecked.
 */
@Produces
@Singleton
final class DatabaseProblemHandler implements ExceptionHandler<DatabaseException, HttpResponse<Problem>> {
    private final SqlProblemHandler sqlProblems;

    DatabaseProblemHandler(SqlProblemHandler sqlProblems) {
        this.sqlProblems = sqlProblems;
    }

    @Override
    public HttpResponse<Problem> handle(HttpRequest request, DatabaseException e) {
        return sqlProblems.handle(request, e.sqlCause());
    }
}

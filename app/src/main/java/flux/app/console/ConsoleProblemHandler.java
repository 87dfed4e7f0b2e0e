package flux.app.console;

import flux.app.http.Problem;
import flux.console.ConsoleException;
import flux.console.ConsoleUnavailable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;

/** The console's errors as problems: a text it will not run 400, no session for the caller 503. */
@Produces
@Singleton
final class ConsoleProblemHandler implements ExceptionHandler<ConsoleException, HttpResponse<Problem>> {
    @Override
    public HttpResponse<Problem> handle(HttpRequest request, ConsoleException e) {
        return problem(e).toResponse();
    }

    static Problem problem(ConsoleException e) {
        if (e instanceof ConsoleUnavailable) {
            return Problem.of(HttpStatus.SERVICE_UNAVAILABLE, "console-unavailable", "No console session",
                    e.getMessage());
        }
        return Problem.of(HttpStatus.BAD_REQUEST, "sql-refused", "The console will not run this", e.getMessage());
    }
}

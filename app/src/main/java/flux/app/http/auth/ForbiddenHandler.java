package flux.app.http.auth;

import flux.app.http.Problem;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;

@Singleton
final class ForbiddenHandler implements ExceptionHandler<Forbidden, HttpResponse<Problem>> {
    @Override
    public HttpResponse<Problem> handle(HttpRequest request, Forbidden exception) {
        return Problem.of(HttpStatus.FORBIDDEN, "forbidden", "Forbidden", exception.getMessage()).toResponse();
    }
}

package flux.app.http;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.response.Error;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import jakarta.inject.Singleton;
import java.util.stream.Collectors;

/**
 * Micronaut's own errors (no route, wrong method or media type, body too large, unreadable
 * body, unhandled exception) as problem+json instead of Micronaut's JSON error shape, so every
 * error a client sees has the same form and a stable type.
 */
@Singleton
@Replaces(ErrorResponseProcessor.class)
final class ProblemErrorResponses implements ErrorResponseProcessor<Problem> {

    @Override
    public MutableHttpResponse<Problem> processResponse(ErrorContext context, MutableHttpResponse<?> base) {
        HttpStatus status = base.getStatus();
        String detail = context.getErrors().stream().map(Error::getMessage).collect(Collectors.joining("; "));
        if (status.getCode() >= 500) {
            // never leak internals (exception messages) to clients
            detail = "internal error; see the server log";
        }
        Problem problem = Problem.of(status, slug(status), title(status), detail.isEmpty() ? null : detail);
        return base.contentType(Problem.MEDIA_TYPE).body(problem);
    }

    private static String slug(HttpStatus status) {
        switch (status.getCode()) {
            case 400: return "bad-request";
            case 404: return "not-found";
            case 405: return "method-not-allowed";
            case 406: return "not-acceptable";
            case 413: return "body-too-large";
            case 415: return "unsupported-media-type";
            case 500: return "internal-error";
            default: return "http-" + status.getCode();
        }
    }

    private static String title(HttpStatus status) {
        return status.getReason();
    }
}

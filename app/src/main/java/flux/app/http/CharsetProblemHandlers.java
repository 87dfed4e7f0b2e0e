package flux.app.http;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.UnsupportedCharsetException;

/**
 * A body whose Content-Type names a charset Java cannot decode ({@code charset=utf-17}, or a
 * malformed name such as {@code utf-16 : x} from a folded header line) is a 415, not a 500:
 * Micronaut looks the charset up while binding the body and lets the lookup's exception escape
 * (found by HostileInputFuzzIT). Both exceptions are IllegalArgumentExceptions, hence one handler each.
 */
final class CharsetProblemHandlers {
    private CharsetProblemHandlers() {
    }

    static HttpResponse<Problem> unsupported(String charset) {
        return Problem.of(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type", "Unsupported Media Type",
                "the body's charset \"" + charset + "\" is not supported; send application/json in UTF-8").toResponse();
    }

    @Produces
    @Singleton
    static final class IllegalName implements ExceptionHandler<IllegalCharsetNameException, HttpResponse<Problem>> {
        @Override
        public HttpResponse<Problem> handle(HttpRequest request, IllegalCharsetNameException e) {
            return unsupported(e.getCharsetName());
        }
    }

    @Produces
    @Singleton
    static final class Unsupported implements ExceptionHandler<UnsupportedCharsetException, HttpResponse<Problem>> {
        @Override
        public HttpResponse<Problem> handle(HttpRequest request, UnsupportedCharsetException e) {
            return unsupported(e.getCharsetName());
        }
    }
}

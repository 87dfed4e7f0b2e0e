package flux.app.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import java.util.Map;

/**
 * An RFC 9457 problem detail. {@code type} is a stable URI per kind of error
 * ({@code https://flux.dev/problems/<slug>}); clients switch on it, not on {@code detail}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String instance,
                      Map<String, Object> extensions) {

    public static final MediaType MEDIA_TYPE = MediaType.of("application/problem+json");
    public static final String TYPE_BASE = "https://flux.dev/problems/";

    public static Problem of(HttpStatus status, String slug, String title, String detail) {
        return new Problem(TYPE_BASE + slug, title, status.getCode(), detail, null, null);
    }

    public Problem with(Map<String, Object> more) {
        return new Problem(type, title, status, detail, instance, more);
    }

    public MutableHttpResponse<Problem> toResponse() {
        return HttpResponse.<Problem>status(HttpStatus.valueOf(status)).contentType(MEDIA_TYPE).body(this);
    }

    @com.fasterxml.jackson.annotation.JsonAnyGetter
    Map<String, Object> any() {
        return extensions == null ? Map.of() : extensions;
    }

    @com.fasterxml.jackson.annotation.JsonIgnore
    public Map<String, Object> extensions() {
        return extensions;
    }
}

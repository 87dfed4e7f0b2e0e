package flux.app.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * An RFC 9457 problem detail. {@code type} is a stable URI per kind of error
 * ({@code https://flux.dev/problems/<slug>}); clients switch on it, not on {@code detail}.
 * Absent members are left out. Flux's extension members: {@code request_id} (the request a
 * query error belongs to), {@code sqlstate} (PostgreSQL's code, where the database refused) and
 * {@code candidates} (what an ambiguous short id could mean).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "Problem", requiredProperties = {"type", "title", "status"})
public record Problem(String type, String title, int status, String detail, String instance,
                      @JsonProperty("request_id") String requestId, String sqlstate, List<String> candidates) {

    public static final MediaType MEDIA_TYPE = MediaType.of("application/problem+json");
    public static final String TYPE_BASE = "https://flux.dev/problems/";

    public static Problem of(HttpStatus status, String slug, String title, String detail) {
        return new Problem(TYPE_BASE + slug, title, status.getCode(), detail, null, null, null, null);
    }

    /** This problem, about the request {@code requestId}, with the database's {@code sqlstate}; each may be null. */
    public Problem about(String requestId, String sqlstate) {
        return new Problem(type, title, status, detail, instance, requestId, sqlstate, candidates);
    }

    /** This problem naming what an ambiguous value could mean. */
    public Problem withCandidates(List<String> values) {
        return new Problem(type, title, status, detail, instance, requestId, sqlstate, List.copyOf(values));
    }

    public MutableHttpResponse<Problem> toResponse() {
        return HttpResponse.<Problem>status(HttpStatus.valueOf(status)).contentType(MEDIA_TYPE).body(this);
    }
}

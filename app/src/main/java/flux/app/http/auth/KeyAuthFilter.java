package flux.app.http.auth;

import flux.app.http.Problem;
import flux.tenancy.ApiKeyStore;
import flux.tenancy.Principal;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.connection.jdbc.exceptions.CannotGetJdbcConnectionException;
import io.micronaut.data.exceptions.DataAccessException;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.util.Optional;

/**
 * Authenticates every {@code /v1} request in {@code keys} mode: a request needs
 * {@code Authorization: Bearer flux_...}; without a valid key it gets 401. The caller's
 * {@link Principal} is then a request attribute ({@link Callers#of}); what it may do is
 * checked where the work is known ({@link Callers#require}), giving 403. Runs on the blocking
 * executor: checking a key reads the database. In {@code open} mode {@link OpenAuthFilter}
 * runs instead ({@link AuthModeCondition} loads exactly one of the two).
 */
@ServerFilter("/v1/**")
@Requires(condition = AuthModeCondition.Keys.class)
final class KeyAuthFilter {
    private final ApiKeyStore keys;

    KeyAuthFilter(@Value("${flux.auth.mode:keys}") String mode, ApiKeyStore keys) {
        AuthMode.parse(mode); // a misspelt mode loads this filter (see AuthModeCondition) and fails here
        this.keys = keys;
    }

    @RequestFilter
    @ExecuteOn(TaskExecutors.BLOCKING)
    @Nullable
    HttpResponse<?> authenticate(HttpRequest<?> request) {
        Optional<String> header = request.getHeaders().getAuthorization();
        if (header.isEmpty() || !header.get().regionMatches(true, 0, "Bearer ", 0, 7)) {
            return unauthorized("send an API key as Authorization: Bearer <key>");
        }
        Optional<Principal> principal;
        try {
            principal = keys.authenticate(header.get().substring(7).strip());
        } catch (DataAccessException | CannotGetJdbcConnectionException e) {
            return Problem.of(HttpStatus.SERVICE_UNAVAILABLE, "database-unavailable", "Database unavailable",
                    "cannot check the API key: " + e.getMessage()).toResponse();
        }
        if (principal.isEmpty()) {
            return unauthorized("the API key is not valid (unknown, revoked or malformed)");
        }
        request.setAttribute(Callers.ATTRIBUTE, principal.get());
        return null;
    }

    private static HttpResponse<?> unauthorized(String detail) {
        return Problem.of(HttpStatus.UNAUTHORIZED, "unauthorized", "Unauthorized", detail).toResponse()
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"flux\"");
    }
}

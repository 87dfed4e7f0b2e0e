package flux.app.http.auth;

import flux.app.http.Problem;
import flux.app.http.QueryProblemHandler;
import flux.query.sql.SqlErrors;
import flux.tenancy.ApiKeyStore;
import flux.tenancy.Principal;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.connection.jdbc.exceptions.CannotGetJdbcConnectionException;
import io.micronaut.data.exceptions.DataAccessException;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ConditionalFilter;
import io.micronaut.http.filter.FilterPatternStyle;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.util.Optional;

/**
 * Verifies the credential a request presents, in every auth mode and on every path the filters
 * cover (the convention of PostgREST and Supabase: a presented credential is always checked, and
 * {@code open} mode admits only requests that carry none, {@link AnonymousRequestFilter}). A valid
 * key makes the caller the key's {@link Principal} ({@link Callers#of}), scoped to its tenant and
 * role; anything else (malformed, unknown, revoked, another scheme) is 401 problem+json. Runs on
 * the blocking executor: a key not in the cache is read from the database.
 */
@ServerFilter(value = FilterPaths.API_AND_PROBES, patternStyle = FilterPatternStyle.REGEX)
final class PresentedKeyFilter implements ConditionalFilter {
    private static final String BEARER = "Bearer ";

    private final ApiKeyStore keys;

    PresentedKeyFilter(ApiKeyStore keys) {
        this.keys = keys;
    }

    /** Whether the request carries an {@code Authorization} header at all (of any scheme). */
    static boolean presented(HttpRequest<?> request) {
        return request.getHeaders().contains(HttpHeaders.AUTHORIZATION);
    }

    @Override
    public boolean isEnabled(HttpRequest<?> request) {
        return presented(request);
    }

    /** Null when the request holds a valid key (its caller is then set); otherwise the answer instead. */
    @RequestFilter
    @ExecuteOn(TaskExecutors.BLOCKING)
    @Nullable
    HttpResponse<?> verify(HttpRequest<?> request) {
        Optional<String> header = request.getHeaders().getAuthorization();
        if (header.isEmpty() || !header.get().regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return unauthorized("send an API key as Authorization: Bearer <key>");
        }
        Optional<Principal> principal;
        try {
            principal = keys.authenticate(header.get().substring(BEARER.length()).strip());
        } catch (DataAccessException | CannotGetJdbcConnectionException e) {
            return QueryProblemHandler.response(SqlErrors.connectionFailure("check the API key", e), null);
        }
        if (principal.isEmpty()) {
            return unauthorized("the API key is not valid (unknown, revoked or malformed)");
        }
        request.setAttribute(Callers.ATTRIBUTE, principal.get());
        return null;
    }

    static HttpResponse<?> unauthorized(String detail) {
        return Problem.of(HttpStatus.UNAUTHORIZED, "unauthorized", "Unauthorized", detail).toResponse()
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"flux\"");
    }
}

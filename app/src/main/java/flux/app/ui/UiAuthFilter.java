package flux.app.ui;

import flux.app.http.Problem;
import flux.app.http.auth.AuthMode;
import flux.app.http.auth.Callers;
import flux.tenancy.ApiKeyStore;
import flux.tenancy.Principal;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.connection.jdbc.exceptions.CannotGetJdbcConnectionException;
import io.micronaut.data.exceptions.DataAccessException;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.FilterPatternStyle;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.net.URI;
import java.util.Optional;

/**
 * Who is using the web UI, by the API's own rules: in {@code open} mode everyone is the operator
 * ({@link Principal#OPEN}), as on {@code /v1}; in {@code keys} mode the key from the login form's
 * cookie is checked by the same {@link ApiKeyStore} the API uses, and a page without a valid one
 * goes to the login form (htmx requests are told with {@code HX-Redirect}). Static assets and the
 * login form need no key.
 */
@ServerFilter(value = UiAuthFilter.PATHS, patternStyle = FilterPatternStyle.REGEX)
final class UiAuthFilter {
    /**
     * {@code /ui} and below, as a regular expression, compiled once: an Ant pattern ({@code /ui/**})
     * is tokenized again for every request Micronaut matches it against, each {@code /v1} request
     * included (see {@code flux.app.http.auth.FilterPaths}).
     */
    static final String PATHS = "/ui(/.*)?";

    private final AuthMode mode;
    private final ApiKeyStore keys;
    private final UiPages pages;

    UiAuthFilter(@Value("${flux.auth.mode:keys}") String mode, ApiKeyStore keys, UiPages pages) {
        this.mode = AuthMode.parse(mode);
        this.keys = keys;
        this.pages = pages;
    }

    @RequestFilter
    @ExecuteOn(TaskExecutors.BLOCKING)
    @Nullable
    HttpResponse<?> authenticate(HttpRequest<?> request) {
        String path = request.getPath();
        if (path.startsWith("/ui/static/")) {
            return null;
        }
        if (mode == AuthMode.OPEN) {
            Callers.attach(request, Principal.OPEN);
            return null;
        }
        if (path.equals("/ui/login")) {
            return null;
        }
        Optional<Principal> caller;
        try {
            caller = UiSession.key(request).isEmpty() ? Optional.empty()
                    : keys.authenticate(UiSession.key(request).get());
        } catch (DataAccessException | CannotGetJdbcConnectionException e) {
            // As the API's key check answers; shown as a page by finish().
            return Problem.of(HttpStatus.SERVICE_UNAVAILABLE, "database-unavailable", "Database unavailable",
                    "cannot check the API key: " + e.getMessage()).toResponse();
        }
        if (caller.isEmpty()) {
            return request.getHeaders().contains("HX-Request")
                    ? HttpResponse.ok().header("HX-Redirect", "/ui/login")
                    : HttpResponse.seeOther(URI.create("/ui/login"));
        }
        Callers.attach(request, caller.get());
        return null;
    }

    /**
     * Errors keep their status but show as a page: the API's exception handlers (one per domain)
     * answer problem+json, which is turned into HTML here, so the UI maps no error itself.
     */
    @ResponseFilter
    @SuppressWarnings("unchecked")
    void finish(HttpRequest<?> request, MutableHttpResponse<?> response) {
        if (response.body() instanceof Problem problem) {
            MutableHttpResponse<String> page = pages.problem(request, problem);
            ((MutableHttpResponse<Object>) response).body(page.body()).contentType(page.getContentType().orElseThrow());
        }
        UiSession.finish(request, response);
        // Pages show a tenant's data: never from a shared cache.
        if (!request.getPath().startsWith("/ui/static/")) {
            response.header("Cache-Control", "no-store");
        }
    }
}

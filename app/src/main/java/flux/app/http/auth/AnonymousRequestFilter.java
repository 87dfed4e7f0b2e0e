package flux.app.http.auth;

import flux.tenancy.Principal;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ConditionalFilter;
import io.micronaut.http.filter.FilterPatternStyle;

/**
 * The caller of a request that presents no credentials (one that presents any is
 * {@link PresentedKeyFilter}'s): in {@code keys} mode an API request is refused (401); otherwise,
 * in {@code open} mode (the embedded default on loopback) and on the probes ({@code /health},
 * {@code /prometheus}, which load balancers and scrapers call without keys) in every mode, it is
 * {@link Principal#OPEN}, admin without a tenant. What a caller may then do is checked where the
 * work is known ({@link Callers#require}, 403).
 *
 * <p>Runs on the event loop: it reads nothing, and dispatching every request to the blocking
 * executor cost a thread hop each (5-30% of the JVM's CPU per request in {@code flux-bench write}
 * mode (d), BENCHMARKS.md). A misspelt {@code flux.auth.mode} stops the server at start; an absent
 * one means {@code keys}.
 */
@ServerFilter(value = FilterPaths.API_AND_PROBES, patternStyle = FilterPatternStyle.REGEX)
final class AnonymousRequestFilter implements ConditionalFilter {
    private final AuthMode mode;

    AnonymousRequestFilter(@Value("${flux.auth.mode:keys}") String mode) {
        this.mode = AuthMode.parse(mode);
    }

    @Override
    public boolean isEnabled(HttpRequest<?> request) {
        return !PresentedKeyFilter.presented(request);
    }

    @RequestFilter
    @Nullable
    HttpResponse<?> admit(HttpRequest<?> request) {
        if (keyRequired(mode, request.getPath())) {
            return PresentedKeyFilter.unauthorized("send an API key as Authorization: Bearer <key>");
        }
        request.setAttribute(Callers.ATTRIBUTE, Principal.OPEN);
        return null;
    }

    /** Whether a request to {@code path} without credentials is refused: an API request in keys mode. */
    static boolean keyRequired(AuthMode mode, String path) {
        return mode == AuthMode.KEYS && (path.equals("/v1") || path.startsWith("/v1/"));
    }
}

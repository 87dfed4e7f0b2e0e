package flux.app.http.auth;

import flux.tenancy.Principal;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;

/**
 * {@code open} mode (the embedded default on loopback): every {@code /v1} caller is
 * {@link Principal#OPEN}. Runs on the event loop: it reads nothing, and dispatching it to the
 * blocking executor cost every request a thread hop (5-30% of the JVM's CPU per request in
 * {@code flux-bench write} mode (d), BENCHMARKS.md).
 */
@ServerFilter("/v1/**")
@Requires(condition = AuthModeCondition.Open.class)
final class OpenAuthFilter {
    @RequestFilter
    void open(HttpRequest<?> request) {
        request.setAttribute(Callers.ATTRIBUTE, Principal.OPEN);
    }
}

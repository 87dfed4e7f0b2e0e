package flux.app.observe;

import flux.app.http.ProblemResponses;
import flux.app.http.auth.Callers;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;

/**
 * {@code GET /prometheus}: every meter of the server in Prometheus' text format 0.0.4. Open to
 * scrapers without credentials and to admin keys; any other key is refused (403): the series are
 * the whole server's (every tenant's tables and traffic, the pool, the JVM) and carry no tenant
 * label, so they cannot be narrowed to one tenant as {@code /v1/observe/*} is.
 */
@Controller("/prometheus")
@ProblemResponses.Unauthorized
@ProblemResponses.Forbidden
@ExecuteOn(TaskExecutors.BLOCKING)
final class PrometheusController {
    private final PrometheusMeterRegistry registry;

    PrometheusController(PrometheusMeterRegistry registry) {
        this.registry = registry;
    }

    @Get(produces = "text/plain; version=0.0.4; charset=utf-8")
    String scrape(HttpRequest<?> request) {
        Callers.requireOperator(request, "the metrics");
        return registry.scrape();
    }
}

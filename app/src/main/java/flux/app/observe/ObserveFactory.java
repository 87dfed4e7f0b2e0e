package flux.app.observe;

import flux.observe.ObserveSettings;
import flux.query.QueryObserver;
import flux.observe.QueryObservers;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires query observability: the {@link QueryObservers} the engine calls (inject it as
 * {@link QueryObserver}), fanned out also to Prometheus metrics and, when
 * {@code flux.observe.otlp.endpoint} is set, to an OTLP exporter. Every setting has its
 * default here, so no configuration file is needed (docs/observability.md lists them).
 */
@Factory
final class ObserveFactory {
    /** The name of an optional {@link LongSupplier} bean: the observers' nanosecond clock. */
    static final String CLOCK = "flux.observe.clock";
    private static final Logger log = LoggerFactory.getLogger(ObserveFactory.class);

    @Singleton
    ObserveSettings observeSettings(@Value("${flux.observe.trace-window:10000}") int traceWindow,
                                    @Value("${flux.observe.queue-capacity:10000}") int queueCapacity,
                                    @Value("${flux.observe.slow-threshold-ms:100}") long slowMs,
                                    @Value("${flux.observe.nplus1.threshold:5}") int nPlusOne,
                                    @Value("${flux.observe.nplus1.min-total-ms:0}") long nPlusOneMinTotalMs,
                                    @Value("${flux.observe.nplus1.burst-window-ms:1000}") long burstWindowMs,
                                    @Value("${flux.observe.index.min-filters:10}") int indexMinFilters,
                                    @Value("${flux.observe.index.min-rows:10000}") long indexMinRows) {
        return new ObserveSettings(traceWindow, queueCapacity, Duration.ofMillis(slowMs), nPlusOne,
                Duration.ofMillis(nPlusOneMinTotalMs), Duration.ofMillis(burstWindowMs), indexMinFilters, indexMinRows);
    }

    /** Typed as itself only: the engine injects the one {@link QueryObserver}, the front door. */
    @Singleton
    @Bean(preDestroy = "close", typed = OtlpQuerySpans.class)
    @Requires(property = "flux.observe.otlp.endpoint", pattern = ".*\\S.*")
    OtlpQuerySpans otlpQuerySpans(@Value("${flux.observe.otlp.endpoint}") String endpoint) {
        log.info("exporting query spans over OTLP to {}", endpoint);
        return OtlpQuerySpans.start(endpoint.strip());
    }

    /**
     * {@code clock}: a bean named {@value #CLOCK} replaces {@link System#nanoTime()} for the
     * analysis' windows (tests move it instead of waiting for a window to pass).
     */
    @Singleton
    @Bean(preDestroy = "close", typed = {QueryObservers.class, QueryObserver.class})
    QueryObservers queryObservers(ObserveSettings settings, DataSource dataSource, MeterRegistry registry,
                                  @Nullable OtlpQuerySpans otlp, @Nullable @Named(CLOCK) LongSupplier clock) {
        List<QueryObserver> also = new ArrayList<>();
        also.add(new QueryMetrics(registry));
        if (otlp != null) {
            also.add(otlp);
        }
        QueryObservers observers = QueryObservers.start(settings, dataSource, also,
                clock == null ? System::nanoTime : clock);
        FunctionCounter.builder("flux.slow.queries", observers, o -> o.slowQueries().total())
                .description("Statements at or over the slow threshold").register(registry);
        FunctionCounter.builder("flux.observe.dropped", observers, QueryObservers::dropped)
                .description("Statements left out of analysis because its queue was full").register(registry);
        Gauge.builder("flux.observe.backlog", observers, QueryObservers::backlog)
                .description("Statements waiting for analysis").register(registry);
        return observers;
    }
}

package flux.app.observe;

import flux.query.QueryObserver;
import flux.query.QueryTrace;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Request rate and latency per operation and table: the timer {@code flux.query}
 * ({@code flux_query_seconds_count / _sum / _bucket} in Prometheus) with tags
 * {@code operation}, {@code table} ({@code schema.table}) and {@code outcome} ({@code ok} or
 * {@code error}). Timers are looked up in a map, not built per statement, so a call costs a
 * hash lookup and an atomic update. Tables come from the catalog, so the tags stay few.
 */
public final class QueryMetrics implements QueryObserver {
    private static final Duration[] BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10),
            Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500)};

    private final MeterRegistry registry;
    private final ConcurrentHashMap<Key, Timer> timers = new ConcurrentHashMap<>();

    private record Key(String operation, String table, boolean failed) {
    }

    public QueryMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void onQuery(QueryTrace trace) {
        Key key = new Key(trace.operation(), trace.qualifiedTable(), trace.failed());
        Timer timer = timers.get(key);
        if (timer == null) {
            timer = timers.computeIfAbsent(key, this::timer);
        }
        timer.record(trace.durationNanos(), TimeUnit.NANOSECONDS);
    }

    private Timer timer(Key key) {
        return Timer.builder("flux.query")
                .description("Statements run by the query engine")
                .tag("operation", key.operation())
                .tag("table", key.table())
                .tag("outcome", key.failed() ? "error" : "ok")
                .serviceLevelObjectives(BUCKETS)
                .register(registry);
    }
}

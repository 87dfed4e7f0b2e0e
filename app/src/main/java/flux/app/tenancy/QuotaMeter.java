package flux.app.tenancy;

import flux.tenancy.TenantDirectory;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.runtime.server.event.ServerStartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures every tenant's storage in the background, every {@code flux.tenancy.quota-interval}
 * (default 60 s; 0 turns it off), starting when the HTTP server is up. Measuring is a scan of
 * the tenants' data (row mode) or a catalog read (schema mode), so it runs on one thread of its
 * own, off the request path; the requests' quota check reads the last figures from the cache.
 */
@Singleton
final class QuotaMeter implements ApplicationEventListener<ServerStartupEvent> {
    private static final Logger log = LoggerFactory.getLogger(QuotaMeter.class);

    private final TenantDirectory tenants;
    private final Duration interval;
    private ScheduledExecutorService timer;

    QuotaMeter(TenantDirectory tenants, @Value("${flux.tenancy.quota-interval:60s}") Duration interval) {
        this.tenants = tenants;
        this.interval = interval;
    }

    @Override
    public synchronized void onApplicationEvent(ServerStartupEvent event) {
        if (interval.isZero() || timer != null) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "flux-quota-meter");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::measure, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void measure() {
        try {
            tenants.measureAll();
        } catch (RuntimeException e) {
            // The next round tries again; until then the last figures stand.
            log.warn("cannot measure tenant storage: {}", e.getMessage());
        }
    }

    @PreDestroy
    synchronized void stop() {
        if (timer != null) {
            timer.shutdownNow();
            try {
                // A measurement in flight finishes before the pool it borrowed from closes.
                timer.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            timer = null;
        }
    }
}

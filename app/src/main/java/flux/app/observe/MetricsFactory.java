package flux.app.observe;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import java.util.function.ToIntFunction;
import javax.sql.DataSource;

/**
 * The server's one {@link MeterRegistry}, scraped at {@code /prometheus}. Other parts register
 * their meters on it by injecting {@code MeterRegistry} (capture: lag, cross-check counts).
 * Binds JVM and process meters and the connection pool's gauges ({@code hikaricp_connections*},
 * read from the pool's MXBean: the pool is already started when this runs, too late for
 * HikariCP's own metrics tracker).
 */
@Factory
final class MetricsFactory {

    @Singleton
    @Bean(preDestroy = "close", typed = {PrometheusMeterRegistry.class, MeterRegistry.class})
    PrometheusMeterRegistry meterRegistry(DataSource dataSource) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags("application", "flux");
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        if (dataSource instanceof HikariDataSource) {
            bindPool((HikariDataSource) dataSource, registry);
        }
        return registry;
    }

    private static void bindPool(HikariDataSource pool, MeterRegistry registry) {
        String name = pool.getPoolName();
        poolGauge(registry, "hikaricp.connections.active", "Connections in use", name, pool, HikariPoolMXBean::getActiveConnections);
        poolGauge(registry, "hikaricp.connections.idle", "Idle connections", name, pool, HikariPoolMXBean::getIdleConnections);
        poolGauge(registry, "hikaricp.connections", "Open connections", name, pool, HikariPoolMXBean::getTotalConnections);
        poolGauge(registry, "hikaricp.connections.pending", "Threads waiting for a connection", name, pool,
                HikariPoolMXBean::getThreadsAwaitingConnection);
        Gauge.builder("hikaricp.connections.max", pool, HikariDataSource::getMaximumPoolSize)
                .description("Maximum connections").tag("pool", name).register(registry);
    }

    private static void poolGauge(MeterRegistry registry, String meter, String description, String poolName,
                                  HikariDataSource pool, ToIntFunction<HikariPoolMXBean> read) {
        Gauge.builder(meter, pool, p -> {
            HikariPoolMXBean bean = p.getHikariPoolMXBean();
            return bean == null ? Double.NaN : read.applyAsInt(bean);
        }).description(description).tag("pool", poolName).register(registry);
    }
}

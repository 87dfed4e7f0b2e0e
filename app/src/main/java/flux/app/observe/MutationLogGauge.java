package flux.app.observe;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.env.Environment;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code flux_mutation_log_rows}: the rows of {@code flux.state_mutations}, from PostgreSQL's
 * statistics (live tuples, kept current by every writer; the planner's estimate before the
 * statistics have it), refreshed every 15 s off the scrape: an exact {@code count(*)} would read
 * the whole log ({@code flux.observe.mutation-log-refresh} sets the period). -1 until the first
 * refresh succeeds. A server's gauge: not in the CLI's context, which has no registry to scrape.
 */
@Singleton
@Requires(notEnv = Environment.CLI)
final class MutationLogGauge {
    private static final Logger log = LoggerFactory.getLogger(MutationLogGauge.class);
    private static final String ROWS = """
            SELECT greatest(coalesce(s.n_live_tup, 0), c.reltuples::bigint)
              FROM pg_class c
              JOIN pg_namespace n ON n.oid = c.relnamespace
              LEFT JOIN pg_stat_all_tables s ON s.relid = c.oid
             WHERE n.nspname = 'flux' AND c.relname = 'state_mutations'""";

    private final DataSource dataSource;
    private final AtomicLong rows = new AtomicLong(-1);

    MutationLogGauge(DataSource dataSource, MeterRegistry registry) {
        this.dataSource = dataSource;
        Gauge.builder("flux.mutation.log.rows", rows, AtomicLong::get)
                .description("Rows in flux.state_mutations (from PostgreSQL statistics, refreshed every 15 s)")
                .register(registry);
    }

    @Scheduled(initialDelay = "1s", fixedDelay = "${flux.observe.mutation-log-refresh:15s}")
    void refresh() {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(ROWS)) {
            if (rs.next()) {
                rows.set(rs.getLong(1));
            }
        } catch (SQLException e) {
            log.debug("cannot read the mutation log's size: {}", e.getMessage());
        }
    }

    long rows() {
        return rows.get();
    }
}

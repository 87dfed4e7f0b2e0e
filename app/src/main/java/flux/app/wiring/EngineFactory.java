package flux.app.wiring;

import flux.query.EngineLimits;
import flux.query.QueryEngine;
import flux.query.QueryObserver;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * The Data Engine over the server's pool, observed by the query observers, with the limits of
 * {@code flux.query.*} (README, "Configuration"). Its catalog loads lazily.
 */
@Factory
final class EngineFactory {

    @Singleton
    QueryEngine queryEngine(DataSource dataSource, QueryObserver observer, EngineLimits limits) {
        return new QueryEngine(dataSource, limits, observer);
    }

    @Singleton
    EngineLimits engineLimits(
            @Value("${flux.query.max-limit:" + EngineLimits.DEFAULT_MAX_LIMIT + "}") int maxLimit,
            @Value("${flux.query.max-in-values:" + EngineLimits.DEFAULT_MAX_IN_VALUES + "}") int maxInValues,
            @Value("${flux.query.statement-timeout:30s}") Duration statementTimeout) {
        try {
            return new EngineLimits(maxLimit, maxInValues, statementTimeout);
        } catch (IllegalArgumentException e) { // name the settings to fix, not only the value
            throw new IllegalArgumentException("flux.query.max-limit, max-in-values, statement-timeout: "
                    + e.getMessage(), e);
        }
    }
}

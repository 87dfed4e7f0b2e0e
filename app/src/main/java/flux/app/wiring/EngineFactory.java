package flux.app.wiring;

import flux.query.QueryEngine;
import flux.query.QueryObserver;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import javax.sql.DataSource;

/** The Data Engine over the server's pool, observed by the query observers. Its catalog loads lazily. */
@Factory
final class EngineFactory {

    @Singleton
    QueryEngine queryEngine(DataSource dataSource, QueryObserver observer,
                            @Value("${flux.query.max-limit:" + QueryEngine.DEFAULT_MAX_LIMIT + "}") int maxLimit) {
        return new QueryEngine(dataSource, maxLimit, observer);
    }
}

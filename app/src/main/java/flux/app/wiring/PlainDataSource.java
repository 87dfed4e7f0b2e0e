package flux.app.wiring;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.data.connection.jdbc.advice.ContextualAwareDataSource;
import jakarta.inject.Singleton;
import javax.sql.DataSource;

/**
 * Keeps the injected {@link DataSource} plain. Micronaut Data wraps every DataSource bean in a
 * proxy whose connections belong to Micronaut's current transaction, and which fails outside
 * one (STACK-NOTES). The engine, history, capture, migrations and tenant DDL run explicit
 * transactions of their own on this pool and must get ordinary connections, so the wrapping is
 * replaced by this no-op. Micronaut Data's repositories and transactions do not need it: they
 * take connections through their own connection operations, from the unwrapped pool.
 */
@Singleton
@Replaces(ContextualAwareDataSource.class)
final class PlainDataSource implements BeanCreatedEventListener<DataSource> {
    @Override
    public DataSource onCreated(BeanCreatedEvent<DataSource> event) {
        return event.getBean();
    }
}

package flux.app.ui;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import flux.app.records.RecordsContext;
import io.micronaut.context.exceptions.NoSuchBeanException;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The capture chart's sampler is the server's only: in the records context of {@code flux keys}
 * and {@code flux tenants} (environment {@code cli}) it would try to make a capture pipeline every
 * second and log an ERROR with a stack trace on the command's terminal.
 */
class EventRateTest {
    @Test
    void aCommandsRecordsContextHasNoSampler() {
        PGSimpleDataSource unused = new PGSimpleDataSource(); // never connected: nothing here reads it
        try (RecordsContext records = RecordsContext.start(unused)) {
            assertThatThrownBy(() -> records.get(EventRate.class)).isInstanceOf(NoSuchBeanException.class);
        }
    }
}

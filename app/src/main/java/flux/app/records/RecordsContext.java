package flux.app.records;

import io.micronaut.context.ApplicationContext;
import io.micronaut.context.env.Environment;
import io.micronaut.inject.qualifiers.Qualifiers;
import javax.sql.DataSource;

/**
 * A small Micronaut context with Flux's records (repositories, their transactions, key and tenant
 * administration, the audit log) over a given DataSource, and nothing of the server: environment
 * {@code cli}, no HTTP, no pool of its own, no background work. For commands that work on the
 * database directly; starting one takes one to two seconds.
 */
public final class RecordsContext implements AutoCloseable {
    /** The name of the DataSource bean: Micronaut Data's repositories and transactions look theirs up by it. */
    public static final String DATA_SOURCE = "default";

    private final ApplicationContext context;

    private RecordsContext(ApplicationContext context) {
        this.context = context;
    }

    /** @param dataSource plain connections (not bound to a framework's transaction), e.g. unpooled ones */
    public static RecordsContext start(DataSource dataSource) {
        ApplicationContext context = ApplicationContext.builder()
                .environments(Environment.CLI)
                .deduceEnvironment(false)
                .banner(false)
                .build();
        context.registerSingleton(DataSource.class, dataSource, Qualifiers.byName(DATA_SOURCE));
        return new RecordsContext(context.start());
    }

    public <T> T get(Class<T> type) {
        return context.getBean(type);
    }

    @Override
    public void close() {
        context.close();
    }
}

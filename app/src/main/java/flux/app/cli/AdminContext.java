package flux.app.cli;

import flux.app.records.RecordsContext;
import flux.app.wiring.FluxSchema;
import flux.pg.DatabaseException;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Flux's records for a command that works on the database directly ({@code flux keys},
 * {@code flux tenants}, the tenant lookup of {@code flux db ... --tenant}): a
 * {@link RecordsContext} over the database {@link DatabaseOptions} names, with the command's own
 * unpooled connections (a command runs a handful of statements). Opened by the command that
 * needs it, so {@code --help} never starts one.
 */
final class AdminContext implements AutoCloseable {
    private final RecordsContext records;
    private final DataSource dataSource;

    private AdminContext(RecordsContext records, DataSource dataSource) {
        this.records = records;
        this.dataSource = dataSource;
    }

    /** Connects (a {@link CliFailure} naming the address when it cannot) and starts the context. */
    static AdminContext open(DatabaseOptions database) {
        DataSource dataSource = database.dataSource();
        return new AdminContext(RecordsContext.start(dataSource), dataSource);
    }

    /** Creates Flux's tables where missing: keys and tenants may be made before the first {@code flux serve}. */
    AdminContext installSchema() {
        try {
            FluxSchema.install(dataSource);
        } catch (DatabaseException failure) {
            SQLException e = failure.sqlCause();
            close();
            throw new CliFailure("cannot prepare the flux schema: " + e.getMessage(), e);
        }
        return this;
    }

    <T> T get(Class<T> type) {
        return records.get(type);
    }

    @Override
    public void close() {
        records.close();
    }
}

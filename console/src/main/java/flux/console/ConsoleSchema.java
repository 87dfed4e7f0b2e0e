package flux.console;

import flux.query.FluxSchema;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Creates the console's tables in the {@code flux} schema (its audit log and its login roles'
 * register) when missing. Idempotent, run after {@link FluxSchema#install} on every start.
 */
public final class ConsoleSchema {
    /** Advisory lock key for creating the console's tables ("flux" + 0x0C01). */
    private static final long LOCK_KEY = 0x666c7578_0C01L;

    private ConsoleSchema() {
    }

    public static void install(DataSource dataSource) throws SQLException {
        FluxSchema.apply(dataSource, LOCK_KEY, "flux/console/console-schema.sql");
    }
}

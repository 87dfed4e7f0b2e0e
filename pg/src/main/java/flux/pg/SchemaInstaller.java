package flux.pg;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;

/**
 * Runs {@link SchemaScript}s, in the order given, in one transaction that first takes
 * {@link LockKeys#SCHEMA_INSTALL}: concurrent installers (servers starting together, a CLI
 * command) run one after another, so none races another on CREATE ... IF NOT EXISTS (which can
 * fail with a duplicate key in the catalogs when two sessions create the same object at once).
 * Scripts are idempotent: a second install changes nothing.
 */
public final class SchemaInstaller {
    private SchemaInstaller() {
    }

    public static void install(DataSource dataSource, SchemaScript... scripts) {
        try (Connection c = dataSource.getConnection()) {
            install(c, scripts);
        } catch (SQLException e) {
            throw new DatabaseException(e);
        }
    }

    /** On {@code connection}, which is left in the autocommit mode it had. */
    public static void install(Connection connection, SchemaScript... scripts) {
        List<SchemaScript> all = List.of(scripts);
        Transactions.run(connection, c -> {
            LockKeys.SCHEMA_INSTALL.lockForTransaction(c);
            try (Statement st = c.createStatement()) {
                for (SchemaScript script : all) {
                    st.execute(script.sql());
                }
            }
        });
    }
}

package flux.history;

import flux.query.FluxSchema;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * Installs what history needs on top of the mutation log ({@code history-schema.sql}): the
 * per-row blame summary {@code flux.row_blame}, the trigger that keeps it, and a time index
 * for as-of reads. Idempotent, safe on every start; installs the base {@code flux} schema
 * first, so it does not depend on start-up order. Serialized with {@link FluxSchema}'s
 * installers by the same advisory lock.
 */
public final class HistorySchema {
    /** Same key as FluxSchema: one installer of the flux schema at a time, whoever it is. */
    private static final long LOCK_KEY = 0x666c7578_0001L;
    private static final String RESOURCE = "flux/history/history-schema.sql";

    private HistorySchema() {
    }

    public static void install(DataSource dataSource) throws SQLException {
        FluxSchema.install(dataSource);
        String ddl = load();
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute("SELECT pg_advisory_xact_lock(" + LOCK_KEY + ")");
                st.execute(ddl);
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        }
    }

    private static String load() {
        try (InputStream in = HistorySchema.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + RESOURCE, e);
        }
    }
}

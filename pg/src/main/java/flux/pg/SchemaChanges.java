package flux.pg;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The channel on which Flux announces schema changes (docs/contracts.md): after a migration or
 * a schema push commits, {@code NOTIFY flux_schema_changed} with free text (e.g. the file
 * applied). Listeners ({@link SchemaChangeListener}): the engine's catalog refreshes, capture
 * brings new tables into its publication.
 */
public final class SchemaChanges {
    public static final String CHANNEL = "flux_schema_changed";
    static final String LISTEN = "LISTEN " + CHANNEL;
    private static final String NOTIFY = "SELECT pg_notify('" + CHANNEL + "', ?)";

    private SchemaChanges() {
    }

    /**
     * Announces a change with {@code payload}. Inside a transaction the notification is delivered
     * when it commits, and never if it rolls back: send it in the transaction of the change.
     */
    public static void notify(Connection c, String payload) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(NOTIFY)) {
            ps.setString(1, payload);
            ps.execute();
        }
    }
}

package flux.pg;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The channel on which Flux announces schema changes (docs/contracts.md): after a migration or
 * a schema push commits, {@code NOTIFY flux_schema_changed} with free text (e.g. the file
 * applied); also capture's event trigger and the schema detector, for DDL made elsewhere.
 * Listeners ({@link SchemaChangeListener}): the engine's catalog refreshes, capture brings new
 * tables into its publication.
 */
public final class SchemaChanges {
    public static final String CHANNEL = "flux_schema_changed";
    /**
     * The transaction-local setting that names the migration a transaction applies: the schema
     * journal records it with each change the transaction makes (any migration tool may set it).
     */
    public static final String MIGRATION_SETTING = "flux.migration";
    static final String LISTEN = "LISTEN " + CHANNEL;
    private static final String NOTIFY = "SELECT pg_notify('" + CHANNEL + "', ?)";
    private static final String MIGRATING = "SELECT set_config('" + MIGRATION_SETTING + "', ?, true)";

    private SchemaChanges() {
    }

    /**
     * Names the migration the transaction open on {@code c} applies ({@link #MIGRATION_SETTING}), until
     * it ends: call it before the migration's statements.
     */
    public static void migrating(Connection c, String migration) {
        try (PreparedStatement ps = c.prepareStatement(MIGRATING)) {
            ps.setString(1, migration);
            ps.execute();
        } catch (SQLException e) {
            throw new DatabaseException(e);
        }
    }

    /**
     * Announces a change with {@code payload}. Inside a transaction the notification is delivered
     * when it commits, and never if it rolls back: send it in the transaction of the change.
     */
    public static void notify(Connection c, String payload) {
        try (PreparedStatement ps = c.prepareStatement(NOTIFY)) {
            ps.setString(1, payload);
            ps.execute();
        } catch (SQLException e) {
            throw new DatabaseException(e);
        }
    }
}

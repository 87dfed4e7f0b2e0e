package flux.app.records;

import flux.query.FluxSchema;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * The tables of Flux's own records: the flux schema ({@link FluxSchema}: keys, tenants, the
 * mutation log) and the audit log, app's own ({@link #AUDIT_LOG_DDL}). Idempotent; run at server
 * start and before the CLI administers keys or tenants.
 */
public final class RecordsSchema {
    private static final String AUDIT_LOG_DDL = """
            -- Who did what to Flux's own records: key and tenant administration now, the SQL console's
            -- statements later. Appended to, never updated. actor is an API key id, or 'cli' for a command run
            -- on the database directly. The last four columns are the console's (its statement, how long it
            -- ran, the rows it returned or changed, its error); null for everything else.
            CREATE TABLE IF NOT EXISTS flux.audit_log (
                id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                at           timestamptz NOT NULL DEFAULT now(),
                actor        text        NOT NULL,
                tenant_id    text,                  -- the tenant acted on or for
                action       text        NOT NULL,  -- key.create, key.revoke, tenant.create, tenant.update
                target       text,                  -- what was acted on: a key id, a tenant id
                detail       jsonb,                 -- the action's parameters
                statement    text,
                duration_ms  double precision,
                row_count    bigint,
                error        text
            );
            CREATE INDEX IF NOT EXISTS audit_log_at ON flux.audit_log (at);""";
    private static final String AUDIT_LOG_EXISTS = "SELECT to_regclass('flux.audit_log') IS NOT NULL";

    private RecordsSchema() {
    }

    /** {@code dataSource} must hand out plain connections: this commits its own transaction. */
    public static void install(DataSource dataSource) throws SQLException {
        FluxSchema.install(dataSource);
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            if (exists(st)) {
                return; // the usual case: no DDL, no transaction
            }
            c.setAutoCommit(false);
            try {
                st.execute(AUDIT_LOG_DDL);
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                // Two installers raced on CREATE TABLE (a unique violation in the catalog): the winner's table stands.
                if (!exists(st)) {
                    throw e;
                }
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    private static boolean exists(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery(AUDIT_LOG_EXISTS)) {
            return rs.next() && rs.getBoolean(1);
        }
    }
}

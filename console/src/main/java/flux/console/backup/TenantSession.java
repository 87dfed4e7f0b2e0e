package flux.console.backup;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * A backup's or restore's transaction set up for one tenant: {@code flux.tenant_id} (a login role
 * that owns the tables is bound by their forced row-level policy, and sees the tenant's rows only
 * with it), and a schema tenant's schema as {@code search_path}, so definitions read and replayed
 * name its objects unqualified.
 */
final class TenantSession {
    private static final String TAG = """
            SELECT set_config('flux.tenant_id', ?, true),
                   set_config('search_path', coalesce(quote_ident(?), current_setting('search_path')), true)""";

    private TenantSession() {
    }

    static void tag(Connection c, String tenantId, String schema) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(TAG)) {
            ps.setString(1, tenantId);
            ps.setString(2, schema);
            ps.execute();
        }
    }
}

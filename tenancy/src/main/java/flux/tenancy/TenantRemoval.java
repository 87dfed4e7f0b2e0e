package flux.tenancy;

import flux.pg.Identifiers;
import flux.pg.Transactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;

/**
 * What deleting a tenant does inside PostgreSQL, in the caller's transaction. A deletion first
 * leaves a tombstone ({@link #suspend}): nothing is dropped, the tenant's roles just lose their
 * way in, so {@link #resume} puts everything back. {@link #purge} drops its data for good. The
 * tenant's row and keys are the records' (app), its history the log's ({@code flux.log.TenantHistory}).
 */
public final class TenantRemoval {
    private static final String ROLE_EXISTS = "SELECT 1 FROM pg_roles WHERE rolname = ?";
    private static final String SCHEMA_EXISTS = "SELECT 1 FROM pg_namespace WHERE nspname = ?";
    private static final String SET_TENANT = "SELECT set_config('flux.tenant_id', ?, true)";

    private TenantRemoval() {
    }

    /**
     * Cuts a schema tenant off at once, on every server: its login turns {@code NOLOGIN}
     * ({@link TenantLogins#disable}; end its open sessions with {@link TenantLogins#endSessions}
     * after commit) and its roles lose {@code USAGE} on the schema, so even a request on a key
     * another server still has cached fails on privileges. A row tenant has no role of its own:
     * revoking its keys is what stops it. Its data stays.
     */
    public static void suspend(Connection c, String tenantId, TenantScope.Isolation isolation) throws SQLException {
        if (isolation != TenantScope.Isolation.SCHEMA) {
            return;
        }
        TenantLogins.disable(c, tenantId);
        String schema = TenantSchemas.schemaOf(tenantId);
        if (exists(c, SCHEMA_EXISTS, schema)) {
            try (Statement st = c.createStatement()) {
                for (String role : rolesOf(c, tenantId)) {
                    st.execute("REVOKE USAGE, CREATE ON SCHEMA " + Identifiers.quote(schema) + " FROM " + Identifiers.quote(role));
                }
            }
        }
    }

    /**
     * Undoes {@link #suspend}: the runtime role gets its schema back. The login, if any, stays
     * {@code NOLOGIN} until it is given a new password ({@link TenantLogins#enable}): what the
     * deletion cut is issued again, never revived.
     */
    public static void resume(Connection c, String tenantId, TenantScope.Isolation isolation) throws SQLException {
        if (isolation != TenantScope.Isolation.SCHEMA) {
            return;
        }
        try (Statement st = c.createStatement()) {
            st.execute("GRANT USAGE ON SCHEMA " + Identifiers.quote(TenantSchemas.schemaOf(tenantId)) + " TO "
                    + Identifiers.quote(TenantSchemas.roleOf(tenantId)));
        }
    }

    /**
     * Drops the tenant's data and roles: a schema tenant's schema with everything in it, its
     * runtime role and login (with what they own or were granted in this database), in one
     * transaction (a catalog change, however much data the schema holds); a row tenant's rows in
     * every table with a {@code tenant_id} column, {@code batchSize} rows at a time, each batch a
     * short transaction of its own. Interrupted, it can run again and finishes the job. A schema
     * tenant's roles may still hold rights in another database, where PostgreSQL then refuses to
     * drop them.
     */
    public static void purge(DataSource dataSource, String tenantId, TenantScope.Isolation isolation, int batchSize)
            throws SQLException {
        if (isolation == TenantScope.Isolation.SCHEMA) {
            Transactions.run(dataSource, c -> dropSchemaAndRoles(c, tenantId));
            return;
        }
        for (String[] t : Transactions.call(dataSource, TenantPolicies::tablesWithTenantColumn)) {
            String delete = "DELETE FROM " + Identifiers.qualified(t[0], t[1]) + " WHERE ctid = ANY(ARRAY(SELECT ctid FROM "
                    + Identifiers.qualified(t[0], t[1]) + " WHERE " + Identifiers.quote(TenantPolicies.TENANT_COLUMN)
                    + " = ? LIMIT ?))";
            int deleted;
            do {
                deleted = Transactions.call(dataSource, c -> {
                    try (PreparedStatement ps = c.prepareStatement(SET_TENANT)) {
                        ps.setString(1, tenantId); // the row-level policy holds for an owner too (FORCE)
                        ps.execute();
                    }
                    try (PreparedStatement ps = c.prepareStatement(delete)) {
                        ps.setString(1, tenantId);
                        ps.setInt(2, batchSize);
                        return ps.executeUpdate();
                    }
                });
            } while (deleted > 0);
        }
    }

    private static void dropSchemaAndRoles(Connection c, String tenantId) throws SQLException {
        List<String> roles = rolesOf(c, tenantId);
        try (Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + Identifiers.quote(TenantSchemas.schemaOf(tenantId)) + " CASCADE");
            for (String role : roles) {
                st.execute("DROP OWNED BY " + Identifiers.quote(role));
                st.execute("DROP ROLE " + Identifiers.quote(role));
            }
        }
    }

    /** The tenant's runtime role and login, those that exist. */
    private static List<String> rolesOf(Connection c, String tenantId) throws SQLException {
        List<String> roles = new java.util.ArrayList<>();
        for (String role : List.of(TenantLogins.roleOf(tenantId), TenantSchemas.roleOf(tenantId))) {
            if (exists(c, ROLE_EXISTS, role)) {
                roles.add(role);
            }
        }
        return roles;
    }

    private static boolean exists(Connection c, String sql, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }
}

package flux.tenancy;

import flux.pg.Identifiers;
import flux.pg.Transactions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Schema-per-tenant isolation (the seeds' {@code t_<id>_api} layout): each tenant gets a schema
 * and a NOLOGIN role that can use only that schema. Tables are created there by migrations,
 * run as the owning login role; the tenant role gets DML on them through default privileges,
 * so it owns nothing and cannot create, alter or drop. The engine runs a tenant's transactions
 * with {@code set_config('role', <role>, true)} and {@code set_config('search_path', <schema>, true)}.
 * Reaching another schema, or escaping through {@code search_path}, fails on privileges, not on
 * anything the engine must remember to add.
 */
public final class TenantSchemas {

    /**
     * Longest tenant id a schema tenant may have: its schema {@code t_<id>_api} must fit
     * PostgreSQL's 63-byte names whole. A longer name is cut silently, so two long ids could
     * name one schema and role (ids are ASCII: characters are bytes).
     */
    public static final int MAX_SCHEMA_TENANT_ID = 63 - "t_".length() - "_api".length();

    private TenantSchemas() {
    }

    /** Refuses an id that cannot be a schema tenant's (not a plain name, or too long for whole names). */
    public static void requireSchemaTenantId(String tenantId) {
        ApiKeyStore.requireTenant(tenantId);
        if (tenantId.length() > MAX_SCHEMA_TENANT_ID) {
            throw new IllegalArgumentException("tenant id \"" + tenantId + "\" is too long for schema mode: at most "
                    + MAX_SCHEMA_TENANT_ID + " characters, so that its schema t_<id>_api keeps its whole name"
                    + " (PostgreSQL cuts names at 63 bytes)");
        }
    }

    public static String schemaOf(String tenantId) {
        ApiKeyStore.requireTenant(tenantId);
        return "t_" + tenantId.toLowerCase(java.util.Locale.ROOT).replace('-', '_') + "_api";
    }

    public static String roleOf(String tenantId) {
        ApiKeyStore.requireTenant(tenantId);
        return "t_" + tenantId.toLowerCase(java.util.Locale.ROOT).replace('-', '_');
    }

    /**
     * Creates the tenant's schema and role, and their grants, in one transaction. Idempotent.
     * Tenant ids are validated (letters, digits, '_' and '-') before they become names.
     */
    public static void provision(Connection c, String tenantId) throws SQLException {
        requireSchemaTenantId(tenantId);
        String schema = Identifiers.quote(schemaOf(tenantId));
        String role = Identifiers.quote(roleOf(tenantId));
        String roleName = roleOf(tenantId).replace("'", "''");
        Transactions.run(c, x -> {
            try (Statement st = x.createStatement()) {
                st.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + roleName + "') THEN"
                        + " CREATE ROLE " + role + " NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS; END IF; END $$");
                st.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
                st.execute("REVOKE ALL ON SCHEMA " + schema + " FROM PUBLIC");
                st.execute("GRANT USAGE ON SCHEMA " + schema + " TO " + role);
                st.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA " + schema + " TO " + role);
                st.execute("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA " + schema + " TO " + role);
                st.execute("ALTER DEFAULT PRIVILEGES IN SCHEMA " + schema
                        + " GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO " + role);
                st.execute("ALTER DEFAULT PRIVILEGES IN SCHEMA " + schema + " GRANT USAGE, SELECT ON SEQUENCES TO " + role);
                // The engine appends the tenant's mutation records under this role.
                st.execute("GRANT USAGE ON SCHEMA flux TO " + role);
                st.execute("GRANT INSERT ON flux.state_mutations TO " + role);
                st.execute("GRANT " + role + " TO CURRENT_USER");
            }
        });
    }
}

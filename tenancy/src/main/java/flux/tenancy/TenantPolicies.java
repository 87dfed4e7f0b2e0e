package flux.tenancy;

import flux.pg.Identifiers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Row-level tenant isolation enforced by PostgreSQL itself, for tables with a {@code tenant_id}
 * column. Each such table gets {@code FORCE ROW LEVEL SECURITY} and one policy: a row is visible
 * and writable only when its {@code tenant_id} equals the transaction's {@code flux.tenant_id}
 * setting. An unset or empty setting matches nothing, so a forgotten tenant fails closed.
 *
 * <p>Policies bind only roles without BYPASSRLS, and superusers always bypass them, so the engine
 * runs tenant transactions as {@link #RUNTIME_ROLE}: a NOLOGIN role that owns nothing, holds DML
 * rights on the isolated tables and may only append to the mutation log. The login role switches
 * to it per transaction ({@code set_config('role', 'flux_runtime', true)}), which needs membership.
 */
public final class TenantPolicies {
    public static final String RUNTIME_ROLE = "flux_runtime";
    public static final String POLICY = "flux_tenant_isolation";
    public static final String TENANT_COLUMN = "tenant_id";

    private static final String CREATE_ROLE = """
            DO $$
            BEGIN
                IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'flux_runtime') THEN
                    CREATE ROLE flux_runtime NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
                END IF;
            END $$""";
    private static final String RUNTIME_GRANTS = """
            GRANT USAGE ON SCHEMA flux TO flux_runtime;
            GRANT SELECT, INSERT ON flux.state_mutations TO flux_runtime""";
    private static final String IS_SUPERUSER = "SELECT rolsuper FROM pg_roles WHERE rolname = current_user";
    private static final String TABLES_WITH_TENANT_COLUMN = """
            SELECT n.nspname, c.relname
            FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
            WHERE c.relkind IN ('r', 'p')
              AND n.nspname NOT IN ('flux', 'pg_catalog', 'information_schema')
              AND n.nspname NOT LIKE 'pg\\_%'
            ORDER BY 1, 2""";

    private TenantPolicies() {
    }

    /** Creates the runtime role (once per cluster) and lets the current login role become it. */
    public static void installRuntimeRole(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(CREATE_ROLE);
            st.execute(RUNTIME_GRANTS);
            boolean superuser;
            try (ResultSet rs = st.executeQuery(IS_SUPERUSER)) {
                superuser = rs.next() && rs.getBoolean(1);
            }
            if (!superuser) {
                st.execute("GRANT " + RUNTIME_ROLE + " TO CURRENT_USER");
            }
        }
    }

    /** Isolates every user table that has a {@code tenant_id} column; returns their names. */
    public static List<String> isolateAll(Connection c) throws SQLException {
        List<String[]> tables = tablesWithTenantColumn(c);
        List<String> isolated = new ArrayList<>();
        for (String[] t : tables) {
            isolate(c, t[0], t[1]);
            isolated.add(t[0] + "." + t[1]);
        }
        return isolated;
    }

    /** {schema, table} of every user table with a {@code tenant_id} column. */
    static List<String[]> tablesWithTenantColumn(Connection c) throws SQLException {
        List<String[]> tables = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement(TABLES_WITH_TENANT_COLUMN); ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                tables.add(new String[] {rs.getString(1), rs.getString(2)});
            }
        }
        return tables;
    }

    /**
     * Enables and forces RLS on one table and (re)creates its policy. Idempotent. The names
     * come from the catalog (see {@link #isolateAll}) and are quoted here.
     */
    public static void isolate(Connection c, String schema, String table) throws SQLException {
        String name = Identifiers.qualified(schema, table);
        String matches = Identifiers.quote(TENANT_COLUMN) + " = current_setting('flux.tenant_id', true)";
        try (Statement st = c.createStatement()) {
            st.execute("ALTER TABLE " + name + " ENABLE ROW LEVEL SECURITY");
            st.execute("ALTER TABLE " + name + " FORCE ROW LEVEL SECURITY");
            st.execute("DROP POLICY IF EXISTS " + POLICY + " ON " + name);
            st.execute("CREATE POLICY " + POLICY + " ON " + name + " USING (" + matches + ") WITH CHECK (" + matches + ")");
            st.execute("GRANT USAGE ON SCHEMA " + Identifiers.quote(schema) + " TO " + RUNTIME_ROLE);
            st.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON " + name + " TO " + RUNTIME_ROLE);
        }
    }
}

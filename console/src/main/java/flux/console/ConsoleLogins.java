package flux.console;

import flux.pg.Identifiers;
import flux.pg.LockKeys;
import flux.pg.Transactions;
import flux.tenancy.TenantExtensions;
import flux.tenancy.TenantPolicies;
import flux.tenancy.TenantSchemas;
import flux.tenancy.TenantScope;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import javax.sql.DataSource;
import org.postgresql.PGConnection;

/**
 * The database sessions console statements run in. The engine switches a pooled session to a
 * tenant's role per transaction, which holds only because the engine never runs a caller's SQL: a
 * session may return to any role its login role belongs to ({@code RESET ROLE}), and a row
 * tenant's SQL could set {@code flux.tenant_id} to another tenant (docs/tenancy.md). The console
 * runs a caller's SQL, so a tenant's statements get a session of their own, logged in as a role
 * that can go nowhere else:
 *
 * <ul>
 * <li>one login role per tenant and kind, {@code fxsql_<16 hex of sha256(tenant)>_r} (read-only)
 *     or {@code _w}: a member of no role with rights (it cannot {@code SET ROLE} anywhere), no
 *     right on {@code flux.*} (so it can neither read the mutation log nor write the audit log);
 * <li>schema tenant: {@code USAGE} on {@code t_<id>_api}, {@code SELECT} (or DML and sequences)
 *     on its tables;
 * <li>every tenant: {@code USAGE} on {@code flux_extensions} (through the group), for the allowed
 *     extensions' functions and types;
 * <li>row tenant: {@code SELECT} (or DML) on the tables under the row-level policy, plus a
 *     restrictive policy {@code flux_console_isolation} on each, for members of the group role
 *     {@code flux_console}: {@code tenant_id = flux.console_tenant()}, the tenant registered for
 *     {@code session_user}, which SQL cannot change. Engine requests run as {@code flux_runtime},
 *     not a member, and never evaluate it.
 * </ul>
 *
 * Grants are brought up to date before each session (tables created since get theirs; nothing is
 * granted that is there already, so relation caches stay warm). Each session logs in with a fresh
 * random password set just before (under an advisory lock, so two servers do not overwrite each
 * other's between setting and use), sent as a SCRAM verifier computed here: the password itself
 * never reaches the server or its logs. An operator (no tenant) gets a session of the server's own
 * login role, also outside the pool, so nothing a statement sets outlives the run.
 */
public final class ConsoleLogins {
    public static final String GROUP_ROLE = "flux_console";
    static final String POLICY = "flux_console_isolation";

    private static final String GROUP = """
            DO $$
            BEGIN
                IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'flux_console') THEN
                    CREATE ROLE flux_console NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
                END IF;
            END $$;
            CREATE OR REPLACE FUNCTION flux.console_tenant() RETURNS text
                LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
                AS $f$ SELECT tenant_id FROM flux.console_roles WHERE role_name = session_user $f$;
            REVOKE ALL ON FUNCTION flux.console_tenant() FROM PUBLIC;
            GRANT EXECUTE ON FUNCTION flux.console_tenant() TO flux_console;
            GRANT USAGE ON SCHEMA flux TO flux_console""";
    private static final String ROLE_EXISTS = "SELECT 1 FROM pg_roles WHERE rolname = ?";
    private static final String REGISTER = """
            INSERT INTO flux.console_roles (role_name, tenant_id, writes) VALUES (?, ?, ?) ON CONFLICT DO NOTHING""";
    private static final String REGISTERED_TENANT = "SELECT tenant_id FROM flux.console_roles WHERE role_name = ?";
    private static final String SCHEMA_USAGE = "SELECT has_schema_privilege(?, ?::regnamespace, 'USAGE')";
    /** The allowed extensions' schema, when it exists and the console's group cannot use it yet. */
    private static final String EXTENSIONS_UNGRANTED = """
            SELECT 1 FROM pg_namespace WHERE nspname = ? AND NOT has_schema_privilege(?, oid, 'USAGE')""";
    /** Schema tenant: the tenant schema's tables and sequences the role lacks a right on. */
    private static final String SCHEMA_MISSING = """
            SELECT format('%I.%I', n.nspname, c.relname), c.relkind = 'S'
              FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = ? AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
               AND CASE WHEN c.relkind = 'S' THEN ? AND NOT has_sequence_privilege(?, c.oid, 'USAGE')
                        ELSE NOT has_table_privilege(?, c.oid, ?) END""";
    /** Row tenant: the tables under the row-level policy, whether they have the console's policy, the right. */
    private static final String ROW_TABLES = """
            SELECT format('%I.%I', n.nspname, c.relname), format('%I', n.nspname),
                   EXISTS (SELECT 1 FROM pg_policy q WHERE q.polrelid = c.oid AND q.polname = 'flux_console_isolation'),
                   has_table_privilege(?, c.oid, ?), has_schema_privilege(?, n.oid, 'USAGE')
              FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE p.polname = ?""";

    private final DataSource pool;
    private final String url;
    private final String loginUser;
    private final String loginPassword;
    private final SecureRandom random = new SecureRandom();
    private volatile boolean groupReady;

    /**
     * @param pool          the server's pool (login role), for setting up roles
     * @param jdbcUrl       the database, as the pool reaches it; credentials in it are not used for tenants
     * @param loginUser     the login role's user, null when the URL carries it
     * @param loginPassword its password, null when none or in the URL
     */
    public ConsoleLogins(DataSource pool, String jdbcUrl, String loginUser, String loginPassword) {
        this.pool = pool;
        this.url = jdbcUrl;
        this.loginUser = loginUser;
        this.loginPassword = loginPassword;
    }

    /** The login role name for a tenant's console sessions. */
    public static String roleOf(String tenantId, boolean writes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(tenantId.getBytes(StandardCharsets.UTF_8));
            return "fxsql_" + HexFormat.of().formatHex(digest, 0, 8) + (writes ? "_w" : "_r");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** A new session for the caller's statements; the caller closes it. */
    Connection open(ConsoleCaller caller) throws SQLException {
        if (!caller.hasTenant()) {
            Properties props = new Properties();
            if (loginUser != null && !loginUser.isEmpty()) {
                props.setProperty("user", loginUser);
            }
            if (loginPassword != null && !loginPassword.isEmpty()) {
                props.setProperty("password", loginPassword);
            }
            props.setProperty("ApplicationName", "flux-console");
            return DriverManager.getConnection(url, props);
        }
        String role = roleOf(caller.tenantId(), caller.writes());
        prepare(caller, role);
        return login(role);
    }

    /** Creates the role when missing and brings its grants (and row tenants' policies) up to date. */
    private void prepare(ConsoleCaller caller, String role) throws SQLException {
        Transactions.run(pool, c -> {
            LockKeys.CONSOLE_SETUP.lockForTransaction(c);
            try (Statement st = c.createStatement()) {
                if (!groupReady) {
                    st.execute(GROUP);
                }
                ensureRole(c, st, caller, role);
                grantExtensions(c, st);
                if (caller.isolation() == TenantScope.Isolation.SCHEMA) {
                    grantSchema(c, st, role, TenantSchemas.schemaOf(caller.tenantId()), caller.writes());
                } else {
                    grantRows(c, st, role, caller.writes());
                }
            }
        });
        groupReady = true;
    }

    private static void ensureRole(Connection c, Statement st, ConsoleCaller caller, String role) throws SQLException {
        boolean exists;
        try (PreparedStatement ps = c.prepareStatement(ROLE_EXISTS)) {
            ps.setString(1, role);
            try (ResultSet rs = ps.executeQuery()) {
                exists = rs.next();
            }
        }
        String quoted = Identifiers.quote(role);
        if (!exists) {
            // No password yet: it is set just before each login (login()).
            st.execute("CREATE ROLE " + quoted + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS"
                    + " NOREPLICATION CONNECTION LIMIT 16");
            st.execute("GRANT " + GROUP_ROLE + " TO " + quoted);
        }
        try (PreparedStatement ps = c.prepareStatement(REGISTER)) {
            ps.setString(1, role);
            ps.setString(2, caller.tenantId());
            ps.setBoolean(3, caller.writes());
            ps.executeUpdate();
        }
        // 64 bits of a hash name the role: should two tenants ever share one, refuse rather than mix them.
        try (PreparedStatement ps = c.prepareStatement(REGISTERED_TENANT)) {
            ps.setString(1, role);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || !rs.getString(1).equals(caller.tenantId())) {
                    throw new SQLException("console role " + role + " is registered for another tenant", "42710");
                }
            }
        }
    }

    /**
     * {@code USAGE} on the allowed extensions' schema ({@link TenantExtensions}) for the group, so
     * every console login can call their functions and use their types, as a tenant's own login
     * can. Only {@code USAGE}: the functions are executable by anyone who can reach them, and the
     * schema stays closed to creating objects. A database without the schema (no tenant login or
     * extension list made yet) gets it granted at a later session.
     */
    private static void grantExtensions(Connection c, Statement st) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(EXTENSIONS_UNGRANTED)) {
            ps.setString(1, TenantExtensions.SCHEMA);
            ps.setString(2, GROUP_ROLE);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return;
                }
            }
        }
        st.execute("GRANT USAGE ON SCHEMA " + Identifiers.quote(TenantExtensions.SCHEMA) + " TO " + GROUP_ROLE);
    }

    private static void grantSchema(Connection c, Statement st, String role, String schema, boolean writes)
            throws SQLException {
        String quoted = Identifiers.quote(role);
        try (PreparedStatement ps = c.prepareStatement(SCHEMA_USAGE)) {
            ps.setString(1, role);
            ps.setString(2, Identifiers.quote(schema));
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next() && !rs.getBoolean(1)) {
                    st.execute("GRANT USAGE ON SCHEMA " + Identifiers.quote(schema) + " TO " + quoted);
                }
            }
        }
        String right = writes ? "INSERT" : "SELECT";
        List<String[]> missing = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(SCHEMA_MISSING)) {
            ps.setString(1, schema);
            ps.setBoolean(2, writes);
            ps.setString(3, role);
            ps.setString(4, role);
            ps.setString(5, right);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    missing.add(new String[] {rs.getString(1), Boolean.toString(rs.getBoolean(2))});
                }
            }
        }
        for (String[] m : missing) {
            // Names come from the catalog, quoted by PostgreSQL's format('%I.%I').
            st.execute(Boolean.parseBoolean(m[1]) ? "GRANT USAGE, SELECT ON SEQUENCE " + m[0] + " TO " + quoted
                    : "GRANT " + rights(writes) + " ON " + m[0] + " TO " + quoted);
        }
    }

    private static void grantRows(Connection c, Statement st, String role, boolean writes) throws SQLException {
        String quoted = Identifiers.quote(role);
        List<String[]> tables = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(ROW_TABLES)) {
            ps.setString(1, role);
            ps.setString(2, writes ? "INSERT" : "SELECT");
            ps.setString(3, role);
            ps.setString(4, TenantPolicies.POLICY);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    tables.add(new String[] {rs.getString(1), rs.getString(2), Boolean.toString(rs.getBoolean(3)),
                            Boolean.toString(rs.getBoolean(4)), Boolean.toString(rs.getBoolean(5))});
                }
            }
        }
        String matches = Identifiers.quote(TenantPolicies.TENANT_COLUMN) + " = (SELECT flux.console_tenant())";
        for (String[] t : tables) {
            // The policy before the grant: a table is never readable by a console role without it.
            if (!Boolean.parseBoolean(t[2])) {
                st.execute("CREATE POLICY " + POLICY + " ON " + t[0] + " AS RESTRICTIVE TO " + GROUP_ROLE
                        + " USING (" + matches + ") WITH CHECK (" + matches + ")");
            }
            if (!Boolean.parseBoolean(t[4])) {
                st.execute("GRANT USAGE ON SCHEMA " + t[1] + " TO " + quoted);
            }
            if (!Boolean.parseBoolean(t[3])) {
                st.execute("GRANT " + rights(writes) + " ON " + t[0] + " TO " + quoted);
            }
        }
    }

    private static String rights(boolean writes) {
        return writes ? "SELECT, INSERT, UPDATE, DELETE" : "SELECT";
    }

    /** Logs in as {@code role} with a fresh password; checks that the session is that role's. */
    private Connection login(String role) throws SQLException {
        char[] password = newPassword();
        Properties props = new Properties();
        props.setProperty("user", role);
        props.setProperty("password", new String(password));
        props.setProperty("ApplicationName", "flux-console");
        Connection session;
        try (Connection c = pool.getConnection()) {
            LockKeys.CONSOLE_PASSWORD.lockForSession(c);
            try {
                c.unwrap(PGConnection.class).alterUserPassword(role, password, "scram-sha-256");
                session = DriverManager.getConnection(LoginUrl.withoutCredentials(url), props);
            } finally {
                LockKeys.CONSOLE_PASSWORD.unlockSession(c);
            }
        }
        try (Statement st = session.createStatement(); ResultSet rs = st.executeQuery("SELECT session_user")) {
            rs.next();
            if (!role.equals(rs.getString(1))) {
                session.close();
                throw new SQLException("the console session logged in as " + rs.getString(1) + ", not " + role,
                        "28000");
            }
        }
        return session;
    }

    private char[] newPassword() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).toCharArray();
    }
}

package flux.tenancy;

import flux.pg.Identifiers;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.Optional;
import org.postgresql.PGConnection;

/**
 * A schema tenant's own login ({@code tl_<id>}): the role whose connection string the tenant's
 * code uses directly (its ORM's migrations, psql), held to its schema by PostgreSQL's privileges.
 *
 * <p>Why a role of its own and not {@code LOGIN} on the runtime role {@code t_<id>}: the engine
 * writes a tenant's mutation records as {@code t_<id>}, which therefore has {@code USAGE} on
 * {@code flux} and {@code INSERT} on {@code flux.state_mutations}; a login as {@code t_<id>}
 * could forge history, any tenant's. So the login role is a member of no role with rights (it
 * cannot {@code SET ROLE} anywhere but the empty group {@link #GROUP_ROLE}) and holds its rights
 * directly:
 * <ul>
 * <li>{@code USAGE, CREATE} on {@code t_<id>_api} (its own tables, sequences, views, functions:
 *     its own migrations) and {@code USAGE} on {@link TenantExtensions#SCHEMA};
 * <li>all table rights and sequence use on what Flux's migrations created there (owned by Flux's
 *     login role), now and by default privileges later;
 * <li>its search_path is its schema, then the shared extensions (a role default, and in the
 *     connection string's {@code options}).
 * </ul>
 * Flux's login role is made a member of it (one way: never the reverse), so Flux can manage what
 * it owns, give the runtime role {@code t_<id>} DML on the tables it creates (default privileges
 * for the role), and end its sessions. The password is generated here and set as a SCRAM
 * verifier computed by the driver: neither Flux nor the server's log ever holds the password.
 * Methods run in the caller's transaction unless they say otherwise.
 */
public final class TenantLogins {
    /** A NOLOGIN role with no rights of which every tenant login is a direct member: for pg_hba ({@code +flux_tenant_login}) and checks. */
    public static final String GROUP_ROLE = "flux_tenant_login";
    public static final int DEFAULT_CONNECTION_LIMIT = 10;

    private static final String GROUP = """
            DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'flux_tenant_login') THEN
              CREATE ROLE flux_tenant_login NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOREPLICATION;
            END IF; END $$""";
    private static final String ROLE = "SELECT rolcanlogin, rolconnlimit FROM pg_roles WHERE rolname = ?";
    private static final String PUBLIC_CREATES_IN_PUBLIC = "SELECT has_schema_privilege('public', 'public', 'CREATE')";
    private static final String TERMINATE = """
            SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE usename = ? AND pid <> pg_backend_pid()""";
    private static final SecureRandom RANDOM = new SecureRandom();

    private TenantLogins() {
    }

    /** {@code tl_<id>}: the prefix cannot be a runtime role's ({@code t_...}), so no tenant's login is another's runtime role. */
    public static String roleOf(String tenantId) {
        TenantSchemas.requireSchemaTenantId(tenantId);
        return "tl_" + TenantSchemas.roleOf(tenantId).substring("t_".length());
    }

    /** The login's state in PostgreSQL; empty when it was never created (or was purged). */
    public static Optional<State> state(Connection c, String tenantId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(ROLE)) {
            ps.setString(1, roleOf(tenantId));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new State(rs.getBoolean(1), rs.getInt(2))) : Optional.empty();
            }
        }
    }

    /**
     * Creates the login when missing, or brings its rights up to date, and sets {@code LOGIN}
     * with a new password when {@code newPassword}. The tenant's schema must exist
     * ({@link TenantSchemas#provision}).
     *
     * @param connectionLimit null keeps the role's limit ({@link #DEFAULT_CONNECTION_LIMIT} for a new role)
     * @param newPassword     false leaves a live login's password as it is (it is not stored anywhere to show again)
     * @return the new password, or empty when none was set
     */
    public static Optional<String> enable(Connection c, String tenantId, Integer connectionLimit, boolean newPassword)
            throws SQLException {
        if (connectionLimit != null && connectionLimit < 1) {
            throw new IllegalArgumentException("a connection limit must be at least 1, not " + connectionLimit);
        }
        String login = Identifiers.quote(roleOf(tenantId));
        String schema = Identifiers.quote(TenantSchemas.schemaOf(tenantId));
        String runtime = Identifiers.quote(TenantSchemas.roleOf(tenantId));
        Optional<State> before = state(c, tenantId);
        int limit = connectionLimit != null ? connectionLimit
                : before.map(State::connectionLimit).orElse(DEFAULT_CONNECTION_LIMIT);
        try (Statement st = c.createStatement()) {
            st.execute(GROUP);
            TenantExtensions.install(c);
            String attributes = " NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOREPLICATION CONNECTION LIMIT " + limit;
            if (before.isEmpty()) {
                // NOLOGIN until a password is set below: a login never exists without one.
                st.execute("CREATE ROLE " + login + " NOLOGIN" + attributes);
            } else {
                st.execute("ALTER ROLE " + login + attributes);
            }
            st.execute("GRANT " + GROUP_ROLE + " TO " + login);
            st.execute("GRANT " + login + " TO CURRENT_USER");
            st.execute("ALTER ROLE " + login + " SET search_path = " + schema + ", " + TenantExtensions.SCHEMA);
            st.execute("GRANT USAGE, CREATE ON SCHEMA " + schema + " TO " + login);
            st.execute("GRANT USAGE ON SCHEMA " + TenantExtensions.SCHEMA + " TO " + login + ", " + runtime);
            st.execute("GRANT ALL ON ALL TABLES IN SCHEMA " + schema + " TO " + login);
            st.execute("GRANT ALL ON ALL SEQUENCES IN SCHEMA " + schema + " TO " + login);
            st.execute("ALTER DEFAULT PRIVILEGES IN SCHEMA " + schema + " GRANT ALL ON TABLES TO " + login);
            st.execute("ALTER DEFAULT PRIVILEGES IN SCHEMA " + schema + " GRANT ALL ON SEQUENCES TO " + login);
            // What the tenant creates itself, the API (as the runtime role) reads and writes too.
            st.execute("ALTER DEFAULT PRIVILEGES FOR ROLE " + login + " IN SCHEMA " + schema
                    + " GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO " + runtime);
            st.execute("ALTER DEFAULT PRIVILEGES FOR ROLE " + login + " IN SCHEMA " + schema
                    + " GRANT USAGE, SELECT ON SEQUENCES TO " + runtime);
            try (ResultSet rs = st.executeQuery(PUBLIC_CREATES_IN_PUBLIC)) {
                rs.next();
                if (rs.getBoolean(1)) {
                    // PostgreSQL's default since 15; a database from before keeps the old grant.
                    st.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC");
                }
            }
            if (!newPassword && before.map(State::canLogin).orElse(false)) {
                return Optional.empty();
            }
            String password = newPassword();
            c.unwrap(PGConnection.class).alterUserPassword(roleOf(tenantId), password.toCharArray(), "scram-sha-256");
            st.execute("ALTER ROLE " + login + " LOGIN");
            return Optional.of(password);
        }
    }

    /** Turns the login off ({@code NOLOGIN}); its open sessions go with {@link #endSessions}, after commit. No-op without a login. */
    public static void disable(Connection c, String tenantId) throws SQLException {
        if (state(c, tenantId).isPresent()) {
            try (Statement st = c.createStatement()) {
                st.execute("ALTER ROLE " + Identifiers.quote(roleOf(tenantId)) + " NOLOGIN");
            }
        }
    }

    /**
     * Ends every open session of the login (PostgreSQL lets a member of a role end its backends).
     * Run after {@link #disable} committed, so the client cannot log in again in between.
     *
     * @return how many sessions were ended
     */
    public static int endSessions(Connection c, String tenantId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(TERMINATE)) {
            ps.setString(1, roleOf(tenantId));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /**
     * The libpq URI the tenant's code connects with: {@code postgresql://tl_<id>:<pw>@host:port/db?options=...},
     * the options setting its search_path. Without a password, the same URI without one.
     */
    public static String connectionString(String tenantId, String hostAndPort, String database, String password) {
        String path = TenantSchemas.schemaOf(tenantId) + "," + TenantExtensions.SCHEMA;
        return "postgresql://" + roleOf(tenantId) + (password == null ? "" : ":" + password) + "@" + hostAndPort
                + "/" + java.net.URLEncoder.encode(database, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20")
                + "?options=-c%20search_path%3D" + path.replace(",", "%2C");
    }

    /** 32 random bytes, base64url: 256 bits, and safe in a URI's user info as it is. */
    private static String newPassword() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** A login role as PostgreSQL has it. */
    public record State(boolean canLogin, int connectionLimit) {
    }
}

package flux.tenancy;

import flux.pg.Identifiers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The extensions tenants may use: those installed in the shared schema {@value #SCHEMA}, which
 * every tenant login (and runtime role) may use and none may create in. The list is what
 * PostgreSQL has there ({@code pg_extension}), nothing kept beside it; the admin changes it with
 * {@link #add} and {@link #remove}. Created with {@link #DEFAULTS} the first time a tenant login
 * is made.
 *
 * <p>Why installed by Flux and not by tenants behind a filter: an extension exists once per
 * database, in one schema. Had a tenant created {@code pgcrypto} in its own schema, no other
 * tenant could have it. And creating even a trusted extension needs {@code CREATE} on the
 * database, which also creates schemas (outside any tenant's quota and attribution), and an
 * event trigger to filter names needs a superuser. So tenant logins get no {@code CREATE} on the
 * database: PostgreSQL refuses any {@code CREATE EXTENSION} from them ({@code permission denied
 * to create extension}), while {@code CREATE EXTENSION IF NOT EXISTS} of an installed one is a
 * no-op that succeeds (PostgreSQL checks existence first), as ORMs' migrations emit it.
 */
public final class TenantExtensions {
    public static final String SCHEMA = "flux_extensions";
    public static final List<String> DEFAULTS = List.of("pgcrypto", "uuid-ossp", "citext", "unaccent");

    private static final Pattern NAME = Pattern.compile("[a-z0-9_-]{1,63}");
    private static final String SCHEMA_EXISTS = "SELECT 1 FROM pg_namespace WHERE nspname = '" + SCHEMA + "'";
    private static final String INSTALLED = """
            SELECT e.extname, n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
             WHERE e.extname = ?""";
    private static final String ALLOWED = """
            SELECT e.extname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
             WHERE n.nspname = '""" + SCHEMA + "' ORDER BY e.extname";

    private TenantExtensions() {
    }

    /** Creates the shared schema with {@link #DEFAULTS} when it does not exist yet; otherwise leaves the admin's list alone. */
    public static void install(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(SCHEMA_EXISTS)) {
            if (rs.next()) {
                return;
            }
        }
        try (Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + SCHEMA);
            st.execute("REVOKE ALL ON SCHEMA " + SCHEMA + " FROM PUBLIC");
        }
        for (String name : DEFAULTS) {
            if (installedIn(c, name) == null) { // one installed elsewhere already stays where its users expect it
                add(c, name);
            }
        }
    }

    /** The extensions tenants may use, by name. */
    public static List<String> allowed(Connection c) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(ALLOWED)) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    /**
     * Allows an extension: installs it into {@value #SCHEMA} (as Flux's login role: a trusted one
     * needs {@code CREATE} on the database, any other a superuser). Idempotent.
     *
     * @throws IllegalArgumentException for a name that is not one, or an extension installed in another schema
     */
    public static void add(Connection c, String name) throws SQLException {
        requireName(name);
        String schema = installedIn(c, name);
        if (schema != null && !schema.equals(SCHEMA)) {
            throw new IllegalArgumentException("extension " + name + " is installed in schema " + schema
                    + " already; tenants can use only extensions in " + SCHEMA + " (an extension exists once per database)");
        }
        try (Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA IF NOT EXISTS " + SCHEMA);
            st.execute("CREATE EXTENSION IF NOT EXISTS " + Identifiers.quote(name) + " SCHEMA " + SCHEMA);
        }
    }

    /**
     * Withdraws an extension: drops it from {@value #SCHEMA}. PostgreSQL refuses while a tenant's
     * objects depend on it (a column of type {@code citext}), naming them.
     *
     * @return false when it was not allowed
     */
    public static boolean remove(Connection c, String name) throws SQLException {
        requireName(name);
        if (!SCHEMA.equals(installedIn(c, name))) {
            return false;
        }
        try (Statement st = c.createStatement()) {
            st.execute("DROP EXTENSION " + Identifiers.quote(name) + " RESTRICT");
        }
        return true;
    }

    private static String installedIn(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSTALLED)) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(2) : null;
            }
        }
    }

    private static void requireName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not an extension name: \"" + name + "\"");
        }
    }
}

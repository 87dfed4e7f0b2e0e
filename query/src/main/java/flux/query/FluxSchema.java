package flux.query;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * Creates Flux's internal {@code flux} schema (the mutation log) when missing. Idempotent,
 * safe to run on every start; concurrent starters are serialized by a transaction-scoped
 * advisory lock so two servers do not race on CREATE ... IF NOT EXISTS.
 */
public final class FluxSchema {
    /** Advisory lock key for creating the internal schema ("flux" + 1). */
    private static final long LOCK_KEY = 0x666c7578_0001L;
    /** Applied in this order; each file is idempotent. */
    private static final String[] RESOURCES = {"flux/query/flux-schema.sql", "flux/query/access-schema.sql"};

    private FluxSchema() {
    }

    public static void install(DataSource dataSource) throws SQLException {
        apply(dataSource, LOCK_KEY, RESOURCES);
    }

    /**
     * Runs idempotent DDL scripts from the classpath in one transaction, serialized with other
     * starters by the transaction-scoped advisory lock {@code lockKey}: for modules that keep
     * tables of their own in the {@code flux} schema.
     */
    public static void apply(DataSource dataSource, long lockKey, String... resources) throws SQLException {
        StringBuilder ddl = new StringBuilder();
        for (String resource : resources) {
            ddl.append(load(resource)).append('\n');
        }
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute("SELECT pg_advisory_xact_lock(" + lockKey + ")");
                st.execute(ddl.toString());
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        }
    }

    private static String load(String resource) {
        try (InputStream in = FluxSchema.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + resource, e);
        }
    }
}

package flux.dev.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.postgresql.PGProperty;

/**
 * The shared test PostgreSQL (logical WAL on). Each test class should take its own
 * database with {@link #newDatabase(String)} so classes cannot see each other's tables. The
 * handle a test receives from {@link FluxTestInfra} belongs to the test's class (or to the test
 * method, for a method parameter): every database made through it, or through a handle it made,
 * is dropped when that class (or method) is done, after its {@code @AfterAll} (or
 * {@code @AfterEach}) methods, so close pools there.
 */
public final class TestPostgres {
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final String host;
    private final int port;
    private final String user;
    private final String password;
    private final String database;
    private final TestDatabases created;

    TestPostgres(String host, int port, String user, String password, String database, TestDatabases created) {
        this.host = host;
        this.port = port;
        this.user = user;
        this.password = password;
        this.database = database;
        this.created = created;
    }

    /**
     * The Flux database of an embedded PostgreSQL a test started itself (one it may kill and restart,
     * or one a jqwik property class owns). The password is a dummy: trust auth ignores it, and the
     * JDBC offset store refuses an empty one.
     */
    public static TestPostgres of(flux.dev.LocalPostgres pg) {
        return new TestPostgres("127.0.0.1", pg.port(), flux.dev.LocalPostgres.USER, "postgres",
                flux.dev.LocalPostgres.DATABASE, null);
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    public String database() {
        return database;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    /** An unpooled DataSource on this database (enough for fixtures and most tests). */
    public javax.sql.DataSource dataSource() {
        org.postgresql.ds.PGSimpleDataSource ds = new org.postgresql.ds.PGSimpleDataSource();
        ds.setUrl(jdbcUrl());
        ds.setUser(user);
        ds.setPassword(password);
        return ds;
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), user, password);
    }

    /** A replication connection (the walsender protocol, for a logical slot) to this database. */
    public Connection connectForReplication() throws SQLException {
        Properties p = new Properties();
        PGProperty.USER.set(p, user);
        PGProperty.PASSWORD.set(p, password);
        PGProperty.REPLICATION.set(p, "database");
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(p, "10");
        PGProperty.PREFER_QUERY_MODE.set(p, "simple");
        return DriverManager.getConnection(jdbcUrl(), p);
    }

    /** This server's handle for databases made by {@code scope} (dropped when it closes). */
    TestPostgres in(TestDatabases scope) {
        return new TestPostgres(host, port, user, password, database, scope);
    }

    /**
     * A new, empty database on the same server, named after the caller plus a counter, dropped
     * with the others of this handle's test class (or method).
     */
    public TestPostgres newDatabase(String hint) {
        if (created == null) {
            throw new IllegalStateException("the server's own handle makes no databases: take one from FluxTestInfra");
        }
        String name = (hint.toLowerCase().replaceAll("[^a-z0-9]", "_") + "_" + SEQUENCE.incrementAndGet());
        if (name.length() > 60) {
            name = name.substring(name.length() - 60);
        }
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE \"" + name + "\"");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name, e);
        }
        created.add(name);
        return new TestPostgres(host, port, user, password, name, created);
    }
}

package flux.dev.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The databases one test class (or method) made with {@link TestPostgres#newDatabase}; closing
 * drops them. {@code DROP DATABASE ... WITH (FORCE)} ends the sessions still connected (a pool
 * left open), but refuses a database whose logical replication slot is being streamed, so the
 * walsenders of its slots are ended first (their slots then go with the database). A database
 * that cannot be dropped within {@link #PATIENCE_MS} fails the class: something it started (a
 * capture pipeline that reconnects) outlived it.
 */
final class TestDatabases implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    private static final long PATIENCE_MS = 30_000;
    private static final String END_WALSENDERS = """
            SELECT count(pg_terminate_backend(s.active_pid)) FROM pg_replication_slots s
             WHERE s.database = ? AND s.active_pid IS NOT NULL""";

    private final String url;
    private final String user;
    private final String password;
    private final List<String> names = new ArrayList<>();

    TestDatabases(String host, int port, String user, String password, String maintenanceDatabase) {
        this.url = "jdbc:postgresql://" + host + ":" + port + "/" + maintenanceDatabase;
        this.user = user;
        this.password = password;
    }

    synchronized void add(String name) {
        names.add(name);
    }

    @Override
    public synchronized void close() {
        List<String> failed = new ArrayList<>();
        SQLException last = null;
        for (String name : names) {
            try {
                drop(name);
            } catch (SQLException e) {
                failed.add(name);
                last = e;
            }
        }
        names.clear();
        if (!failed.isEmpty()) {
            throw new IllegalStateException("cannot drop test database(s) " + failed
                    + " (a capture pipeline or connection left running?): " + last.getMessage(), last);
        }
    }

    private void drop(String name) throws SQLException {
        long deadline = System.nanoTime() + PATIENCE_MS * 1_000_000;
        try (Connection c = DriverManager.getConnection(url, user, password)) {
            while (true) {
                try (PreparedStatement end = c.prepareStatement(END_WALSENDERS)) {
                    end.setString(1, name);
                    end.executeQuery().close();
                }
                try (Statement st = c.createStatement()) {
                    st.execute("DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)");
                    return;
                } catch (SQLException e) {
                    // 55006: a slot still streamed (its walsender is ending, or a client reconnected)
                    if (!"55006".equals(e.getSQLState()) || System.nanoTime() > deadline) {
                        throw e;
                    }
                }
                pause();
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while dropping test databases", e);
        }
    }
}

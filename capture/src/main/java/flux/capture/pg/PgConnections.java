package flux.capture.pg;

import flux.capture.CaptureConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/** Plain JDBC connections for capture's own work (lock, publication, offsets, wal records). */
public final class PgConnections {
    private PgConnections() {
    }

    public static Connection open(CaptureConfig config, String purpose) throws SQLException {
        return open(config.jdbcUrl(), config.user(), config.password(), purpose);
    }

    public static Connection open(String url, String user, String password, String purpose) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        if (password != null && !password.isEmpty()) {
            p.setProperty("password", password);
        }
        p.setProperty("ApplicationName", "flux-capture-" + purpose);
        p.setProperty("connectTimeout", "5");
        p.setProperty("tcpKeepAlive", "true");
        return DriverManager.getConnection(url, p);
    }

    /** Closes a connection that may be broken already; null is fine. */
    public static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // broken already: nothing to release
            }
        }
    }
}

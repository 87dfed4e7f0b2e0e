package flux.migrate;

import java.sql.Connection;
import java.sql.SQLException;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Opens a connection to another database of the same server, with the same credentials: how
 * {@code diff}, {@code drift} and lint reach the scratch database they build a schema in.
 */
@FunctionalInterface
public interface DatabaseConnector {
    Connection connect(String database) throws SQLException;

    /** The server of {@code jdbcUrl}, as {@code user} (null: the URL's or the driver's default). */
    static DatabaseConnector sameServer(String jdbcUrl, String user, String password) {
        return database -> {
            PGSimpleDataSource ds = new PGSimpleDataSource();
            ds.setUrl(jdbcUrl);
            ds.setDatabaseName(database);
            if (user != null && !user.isEmpty()) {
                ds.setUser(user);
            }
            if (password != null && !password.isEmpty()) {
                ds.setPassword(password);
            }
            ds.setApplicationName("flux-scratch");
            return ds.getConnection();
        };
    }
}

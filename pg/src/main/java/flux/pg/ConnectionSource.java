package flux.pg;

import java.sql.Connection;
import java.sql.SQLException;

/** Opens a connection of the caller's own (not pooled): e.g. {@code () -> DriverManager.getConnection(url, props)}. */
@FunctionalInterface
public interface ConnectionSource {
    Connection open() throws SQLException;
}

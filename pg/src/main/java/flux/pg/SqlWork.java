package flux.pg;

import java.sql.Connection;
import java.sql.SQLException;

/** Work on a connection that yields a value; see {@link Transactions}. */
@FunctionalInterface
public interface SqlWork<T> {
    T apply(Connection connection) throws SQLException;
}

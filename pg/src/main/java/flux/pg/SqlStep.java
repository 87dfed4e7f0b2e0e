package flux.pg;

import java.sql.Connection;
import java.sql.SQLException;

/** Work on a connection that yields nothing; see {@link Transactions}. */
@FunctionalInterface
public interface SqlStep {
    void run(Connection connection) throws SQLException;
}

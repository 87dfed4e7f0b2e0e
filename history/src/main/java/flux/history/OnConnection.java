package flux.history;

import flux.pg.DatabaseException;
import flux.pg.SqlWork;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Runs one question on a connection of its own; a failing database (its own statements' or the log's,
 * {@link DatabaseException}) becomes a {@link HistoryException}.
 */
final class OnConnection {
    private OnConnection() {
    }

    static <T> T read(DataSource dataSource, String reading, SqlWork<T> question) {
        try (Connection c = dataSource.getConnection()) {
            return question.apply(c);
        } catch (SQLException e) {
            throw new HistoryException.DatabaseFailure(reading, e);
        } catch (DatabaseException e) {
            throw new HistoryException.DatabaseFailure(reading, e.sqlCause());
        }
    }
}

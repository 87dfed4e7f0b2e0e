package flux.pg;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transaction template: runs work in one transaction on a connection, commits, rolls back on
 * any failure (checked or not, the work's own error is what propagates, an {@link SQLException} as
 * the {@link DatabaseException} around it; a failing rollback is added to it as suppressed), and
 * gives the connection back in the autocommit mode it had.
 *
 * <pre>{@code
 * List<String> added = Transactions.call(connection, c -> publication.sync(c));
 * Transactions.run(dataSource, c -> provision(c, tenant));
 * }</pre>
 *
 * <p>The connection's mode decides what the transaction holds: in autocommit (what pools hand
 * out) it holds exactly the work; a connection already inside a transaction commits that open
 * work too. Not for the engine's requests: {@code QueryEngine} keeps its own, measured
 * transaction handling (see there). Stateless and thread-safe; a connection is not.
 */
public final class Transactions {
    private static final Logger log = LoggerFactory.getLogger(Transactions.class);

    private Transactions() {
    }

    /** Runs {@code work} in a transaction on a connection of its own from {@code dataSource}. */
    public static <T> T call(DataSource dataSource, SqlWork<T> work) {
        try (Connection c = dataSource.getConnection()) {
            return call(c, work);
        } catch (SQLException e) {
            throw new DatabaseException(e);
        }
    }

    /** Runs {@code step} in a transaction on a connection of its own from {@code dataSource}. */
    public static void run(DataSource dataSource, SqlStep step) {
        call(dataSource, c -> {
            step.run(c);
            return null;
        });
    }

    /** Runs {@code step} in a transaction on {@code connection} and commits it. */
    public static void run(Connection connection, SqlStep step) {
        call(connection, c -> {
            step.run(c);
            return null;
        });
    }

    /** Runs {@code work} in a transaction on {@code connection}, commits it and returns its value. */
    public static <T> T call(Connection connection, SqlWork<T> work) {
        return transaction(connection, work, true);
    }

    /**
     * Runs {@code work} in a transaction that is always rolled back: for reads that need
     * transaction-local settings (a tenant's role, {@code SET LOCAL}), and dry runs.
     */
    public static <T> T rollBackAfter(Connection connection, SqlWork<T> work) {
        return transaction(connection, work, false);
    }

    /**
     * Runs {@code work} under a savepoint of the transaction open on {@code connection}. When it
     * fails with a database error (an {@link SQLException}, or a {@link DatabaseException} of the
     * log's or pg's), the transaction is rolled back to the savepoint, so it can go on (PostgreSQL
     * refuses every statement of an aborted transaction until then), and the error is rethrown as
     * a {@link DatabaseException}. On success the savepoint is not released: that would cost a round
     * trip, and it ends with the transaction anyway.
     */
    public static <T> T inSavepoint(Connection connection, SqlWork<T> work) {
        try {
            if (connection.getAutoCommit()) {
                throw new IllegalStateException("a savepoint needs an open transaction; the connection is in autocommit");
            }
            Savepoint savepoint = connection.setSavepoint();
            try {
                return work.apply(connection);
            } catch (SQLException | DatabaseException e) {
                try {
                    connection.rollback(savepoint);
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
                throw e;
            }
        } catch (SQLException e) {
            throw new DatabaseException(e);
        }
    }

    private static <T> T transaction(Connection connection, SqlWork<T> work, boolean commit) {
        try {
            boolean autoCommit = connection.getAutoCommit();
            if (autoCommit) {
                connection.setAutoCommit(false);
            }
            try {
                T result = work.apply(connection);
                if (commit) {
                    connection.commit();
                } else {
                    connection.rollback();
                }
                return result;
            } catch (SQLException | RuntimeException | Error e) {
                rollBack(connection, e);
                throw e;
            } finally {
                restore(connection, autoCommit);
            }
        } catch (SQLException e) {
            throw new DatabaseException(e);
        }
    }

    private static void rollBack(Connection connection, Throwable failure) {
        try {
            connection.rollback();
        } catch (SQLException rollback) {
            failure.addSuppressed(rollback);
        }
    }

    /**
     * A connection that cannot take its mode back is broken: its next use fails and says so, and
     * pools discard it. Throwing here would report committed work as failed.
     */
    private static void restore(Connection connection, boolean autoCommit) {
        if (!autoCommit) {
            return;
        }
        try {
            connection.setAutoCommit(true);
        } catch (SQLException e) {
            log.debug("cannot restore autocommit: {}", e.getMessage());
        }
    }
}

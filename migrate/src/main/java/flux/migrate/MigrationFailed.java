package flux.migrate;

import java.sql.SQLException;

/**
 * Postgres refused a statement of a migration (or the ledger could not be read or written).
 * {@link #file()} and {@link #line()} point at the statement; {@link #sqlState()} is Postgres's code.
 */
public final class MigrationFailed extends MigrationException {
    private final String file;
    private final int line;
    private final String sqlState;

    MigrationFailed(String file, int line, String sqlState, String message, SQLException cause) {
        super(message, cause);
        this.file = file;
        this.line = line;
        this.sqlState = sqlState;
    }

    /** A failure talking to the database outside any file (ledger, lock, connection). */
    static MigrationFailed database(String doing, SQLException e) {
        return new MigrationFailed(null, 0, e.getSQLState(), doing + " failed: " + SqlErrors.describe(e), e);
    }

    /** The file, or null when the failure was not in a migration file. */
    public String file() {
        return file;
    }

    /** 1-based line of the failing statement in the file, 0 when unknown. */
    public int line() {
        return line;
    }

    public String sqlState() {
        return sqlState;
    }
}

package flux.console;

import java.util.List;

/**
 * A console run: its statements in order, up to the first that failed (the ones after it did not
 * run). {@code committed}: the transaction committed (false after a failure: nothing it wrote
 * stays). {@code dbRole}: the database role the statements ran as.
 */
public record ConsoleRun(String requestId, String dbRole, boolean committed, List<StatementResult> statements) {

    public boolean failed() {
        return !statements.isEmpty() && statements.get(statements.size() - 1).failed();
    }

    /** The failed statement, or null. */
    public StatementResult failure() {
        return failed() ? statements.get(statements.size() - 1) : null;
    }
}

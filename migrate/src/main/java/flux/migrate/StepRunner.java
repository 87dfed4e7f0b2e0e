package flux.migrate;

import flux.migrate.MigrationPlan.Action;
import flux.migrate.MigrationPlan.Step;
import flux.migrate.MigrationReport.Outcome;
import flux.migrate.MigrationReport.Result;
import flux.pg.SchemaChanges;
import flux.pg.Transactions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs one step on the migrating connection. A transactional step, its replica identity
 * changes, its ledger row and its {@code NOTIFY flux_schema_changed} commit together (the
 * notification is delivered only on commit). A step that cannot run in a transaction runs
 * statement by statement in autocommit; its ledger row is written only after the last
 * statement succeeded and no index it built was left INVALID.
 */
final class StepRunner {
    private final Connection c;
    private final Ledger ledger;

    StepRunner(Connection c, Ledger ledger) {
        this.c = c;
        this.ledger = ledger;
    }

    /** Runs the step and commits it. */
    Outcome runAndCommit(Step step) {
        return step.transactional() ? inTransaction(step) : outsideTransaction(step);
    }

    /** Runs a transactional step inside the caller's open transaction, without committing (dry run). */
    Outcome runUncommitted(Step step) {
        try {
            long started = System.nanoTime();
            return body(step, started, ReplicaIdentity.keyedTables(c), true, Result.ROLLED_BACK);
        } catch (SQLException e) {
            throw MigrationFailed.database("dry run of " + step.fileName(), e);
        }
    }

    private Outcome inTransaction(Step step) {
        try {
            return Transactions.call(c, x -> {
                long started = System.nanoTime();
                return body(step, started, ReplicaIdentity.keyedTables(x), true, Result.DONE);
            });
        } catch (SQLException e) {
            throw ledgerFailure(step, e);
        }
    }

    private Outcome outsideTransaction(Step step) {
        try {
            c.setAutoCommit(true);
            Map<Long, String> invalidBefore = InvalidIndexes.all(c);
            Set<Long> keyedBefore = ReplicaIdentity.keyedTables(c);
            long started = System.nanoTime();
            List<SqlStatement> statements = step.script().statements();
            for (int i = 0; i < statements.size(); i++) {
                SqlStatement s = statements.get(i);
                try {
                    execute(s);
                } catch (SQLException e) {
                    List<String> invalid = InvalidIndexes.leftBy(c, invalidBefore, step.script());
                    String ran = i == 0 ? "none of its statements took effect"
                            : "the " + i + " statement" + (i == 1 ? "" : "s") + " above line " + s.line() + " stay applied";
                    throw failure(step, s, e, "the file runs outside a transaction: " + ran + " and the file is not"
                            + " recorded" + (invalid.isEmpty() ? "" : "; " + invalidAdvice(invalid))
                            + "; make the file safe to re-run (IF NOT EXISTS), then run migrate again");
                }
            }
            List<String> invalid = InvalidIndexes.leftBy(c, invalidBefore, step.script());
            if (!invalid.isEmpty()) {
                throw new MigrationFailed(step.fileName(), 0, "55000", step.fileName() + " ran, but "
                        + invalidAdvice(invalid) + "; the file is not recorded: run migrate again after that", null);
            }
            return Transactions.call(c, x -> body(step, started, keyedBefore, false, Result.DONE));
        } catch (SQLException e) {
            throw new MigrationFailed(step.fileName(), 0, e.getSQLState(), "recording " + step.fileName()
                    + " failed: " + SqlErrors.describe(e) + "; its statements ran outside a transaction and stay"
                    + " applied, but it is not recorded: run migrate again (the file must be safe to re-run)", e);
        }
    }

    /** The statements (when {@code runStatements}), then tracking, ledger and notify, in the open transaction. */
    private Outcome body(Step step, long started, Set<Long> keyedBefore, boolean runStatements, Result result)
            throws SQLException {
        if (runStatements) {
            for (SqlStatement s : step.script().statements()) {
                try {
                    execute(s);
                } catch (SQLException e) {
                    throw failure(step, s, e, result == Result.DONE
                            ? "the migration was rolled back and not recorded" : "dry run rolled back");
                }
            }
        }
        long ms = (System.nanoTime() - started) / 1_000_000;
        List<String> tracked = ReplicaIdentity.applyToNew(c, keyedBefore);
        record(step, ms);
        SchemaChanges.notify(c, step.action().name().toLowerCase() + " " + step.fileName());
        return new Outcome(step, result, ms, tracked);
    }

    /** Sends the statement as written: no JDBC escape processing of {fn ...} and the like. */
    private void execute(SqlStatement s) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.setEscapeProcessing(false);
            st.execute(s.text());
        }
    }

    private void record(Step step, long ms) throws SQLException {
        MigrationFile f = step.migration();
        if (step.action() == Action.UNDO) {
            ledger.deleteMigration(c, f.version());
            return;
        }
        switch (f.mode()) {
            case VERSIONED -> ledger.recordMigration(c, f, ms, step.transactional());
            case REPEATABLE -> ledger.recordScript(c, f, ms);
            case RAW -> {
                // raw files leave no ledger row by definition
            }
        }
    }

    private static MigrationFailed failure(Step step, SqlStatement s, SQLException e, String consequence) {
        int position = SqlErrors.position(e);
        int line = position > 0 ? s.lineOf(position) : s.line();
        return new MigrationFailed(step.fileName(), line, e.getSQLState(), step.fileName() + " line " + line + ": "
                + SqlErrors.describe(e) + hint(e.getSQLState()) + "; " + consequence, e);
    }

    private static String hint(String sqlState) {
        if ("55P03".equals(sqlState)) {
            return " (lock_timeout: another session holds a conflicting lock on the table;"
                    + " retry when it is idle, or raise --lock-timeout)";
        }
        if ("57014".equals(sqlState)) {
            return " (statement_timeout reached; raise --statement-timeout for this run)";
        }
        return "";
    }

    private static String invalidAdvice(List<String> invalid) {
        return "index " + String.join(", ", invalid) + " is left INVALID (unused by queries, still maintained):"
                + " drop it first with DROP INDEX CONCURRENTLY " + invalid.get(0);
    }

    private static MigrationFailed ledgerFailure(Step step, SQLException e) {
        return new MigrationFailed(step.fileName(), 0, e.getSQLState(), "recording " + step.fileName()
                + " failed: " + SqlErrors.describe(e) + "; the migration was rolled back and not recorded", e);
    }
}

package flux.migrate;

import flux.log.SchemaChange;
import flux.log.SchemaJournal;
import flux.migrate.MigrationPlan.Action;
import flux.migrate.MigrationPlan.Step;
import flux.migrate.MigrationReport.Outcome;
import flux.migrate.MigrationReport.Result;
import flux.pg.DatabaseException;
import flux.pg.SchemaChanges;
import flux.pg.Transactions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;

/**
 * Runs one step on the migrating connection. A transactional step, its replica identity
 * changes, its ledger row, its schema journal rows (where the journal is installed; they name the
 * step in {@code flux.migration}) and its {@code NOTIFY flux_schema_changed} commit together (the
 * notification is delivered only on commit). A step that cannot run in a transaction (or that
 * manages its own) runs statement by statement in autocommit; its ledger row, journal rows and
 * notification follow only after the last statement succeeded and no index it built was left
 * INVALID (where the event trigger is installed it journals each statement as it runs, without
 * the step's name), and a failure after something took effect records its version dirty.
 */
final class StepRunner {
    /** Statements that change only the session, never stored data. */
    private static final Set<String> SESSION_ONLY = Set.of("SET", "RESET", "SHOW");

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
        } catch (SQLException | DatabaseException failure) {
            SQLException e = DatabaseException.sqlCauseOf(failure);
            throw MigrationFailed.database("dry run of " + step.fileName(), e);
        }
    }

    private Outcome inTransaction(Step step) {
        try {
            return Transactions.call(c, x -> {
                long started = System.nanoTime();
                return body(step, started, ReplicaIdentity.keyedTables(x), true, Result.DONE);
            });
        } catch (DatabaseException e) {
            throw ledgerFailure(step, e.sqlCause());
        }
    }

    /**
     * Runs the statements one by one in autocommit, as psql and golang-migrate do: the file's own
     * BEGIN/COMMIT/END/ROLLBACK are sent as written and honoured by the server. The ledger row
     * follows the last statement. On a failure, a block the file left open (aborted by the
     * error) is rolled back; if anything may have taken effect before, the version is recorded
     * dirty so that the next run stops until an operator repairs it.
     */
    private Outcome outsideTransaction(Step step) {
        try {
            c.setAutoCommit(true);
            Map<Long, String> invalidBefore = InvalidIndexes.all(c);
            Set<Long> keyedBefore = ReplicaIdentity.keyedTables(c);
            long started = System.nanoTime();
            List<SqlStatement> statements = step.script().statements();
            boolean tookEffect = false;
            for (SqlStatement s : statements) {
                try {
                    execute(s);
                } catch (SQLException e) {
                    endOpenBlock();
                    List<String> invalid = InvalidIndexes.leftBy(c, invalidBefore, step.script());
                    // a failed concurrent build leaves an INVALID index behind: that is an effect too
                    boolean dirty = tookEffect || SqlScript.cannotRunInTransaction(s) || !invalid.isEmpty();
                    String where = "line " + errorLine(s, e) + " (" + s.excerpt() + "): " + SqlErrors.describe(e);
                    throw failure(step, s, e, afterFailure(step, s, dirty, started, where)
                            + (invalid.isEmpty() ? "" : "; " + invalidAdvice(invalid)));
                }
                // completed with no block open: its effect is committed (SET and SHOW change nothing stored)
                tookEffect |= !inOpenBlock() && !SESSION_ONLY.contains(s.verb());
            }
            List<String> invalid = InvalidIndexes.leftBy(c, invalidBefore, step.script());
            if (!invalid.isEmpty()) {
                long ms = (System.nanoTime() - started) / 1_000_000;
                String advice = invalidAdvice(invalid);
                boolean dirty = recordDirty(step, ms, "left an INVALID index: " + advice);
                throw new MigrationFailed(step.fileName(), 0, "55000", step.fileName() + " ran, but " + advice
                        + (dirty ? "; " + dirtyAdvice(step) : "; the file is not recorded: run migrate again after that"),
                        null);
            }
            return Transactions.call(c, x -> body(step, started, keyedBefore, false, Result.DONE));
        } catch (SQLException | DatabaseException failure) {
            SQLException e = DatabaseException.sqlCauseOf(failure);
            throw new MigrationFailed(step.fileName(), 0, e.getSQLState(), "recording " + step.fileName()
                    + " failed: " + SqlErrors.describe(e) + "; its statements ran outside a transaction and stay"
                    + " applied, but it is not recorded: run migrate again (the file must be safe to re-run)", e);
        }
    }

    /** What the failure left: nothing, or statements that took effect (the version then recorded dirty). */
    private String afterFailure(Step step, SqlStatement failed, boolean dirty, long started, String where)
            throws SQLException {
        String kind = step.script().managesOwnTransactions() ? "the file manages its own transactions"
                : "the file runs outside a transaction";
        if (!dirty) {
            return kind + ": none of its statements took effect and it is not recorded; fix it and run migrate again";
        }
        long ms = (System.nanoTime() - started) / 1_000_000;
        boolean recorded = recordDirty(step, ms, (step.action() == Action.UNDO ? "failed undoing it with "
                + step.fileName() + " at " : "failed at ") + where);
        return kind + ": what it committed above line " + failed.line() + " stays applied"
                + (recorded ? "; " + dirtyAdvice(step) : " and the file is not recorded; make it safe to re-run"
                + " (IF NOT EXISTS), then run migrate again");
    }

    /** Records a versioned step dirty (in autocommit); false for files the ledger keeps no version of. */
    private boolean recordDirty(Step step, long ms, String note) throws SQLException {
        if (step.migration().mode() != MigrationMode.VERSIONED) {
            return false;
        }
        ledger.markDirty(c, step.migration(), ms, note);
        return true;
    }

    private static String dirtyAdvice(MigrationPlan.Step step) {
        String v = step.migration().version().text();
        return "version " + v + " is marked dirty: fix the database by hand, then `flux db repair " + v
                + "` (mark it applied) or `flux db repair " + v + " --rerun` (run it again)";
    }

    /** Whether the file left a transaction block open (the server reports the state after each statement). */
    private boolean inOpenBlock() throws SQLException {
        return c.unwrap(BaseConnection.class).getTransactionState() != TransactionState.IDLE;
    }

    /** Ends a block the file opened and an error aborted: PostgreSQL refuses everything until then. */
    private void endOpenBlock() throws SQLException {
        if (inOpenBlock()) {
            try (Statement st = c.createStatement()) {
                st.execute("ROLLBACK");
            }
        }
    }

    /** The statements (when {@code runStatements}), then tracking, ledger and notify, in the open transaction. */
    private Outcome body(Step step, long started, Set<Long> keyedBefore, boolean runStatements, Result result)
            throws SQLException {
        String migration = step.action().name().toLowerCase() + " " + step.fileName();
        SchemaChanges.migrating(c, migration);
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
        // The schema journal, in the migration's transaction: its changes are ordered with it and name it.
        SchemaJournal.recordIfInstalled(c, SchemaChange.Recorder.MIGRATION);
        SchemaChanges.notify(c, migration);
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

    /** The line of the error's position when Postgres gave one, else of the statement. */
    private static int errorLine(SqlStatement s, SQLException e) {
        int position = SqlErrors.position(e);
        return position > 0 ? s.lineOf(position) : s.line();
    }

    private static MigrationFailed failure(Step step, SqlStatement s, SQLException e, String consequence) {
        int line = errorLine(s, e);
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

package flux.migrate;

import java.util.List;

/**
 * What a run will do, in order. Built from the files and the ledger before anything runs, so
 * a conflict or an unrunnable file stops the run before its first statement.
 */
public record MigrationPlan(List<Step> steps) {

    public MigrationPlan {
        steps = List.copyOf(steps);
    }

    public boolean isEmpty() {
        return steps.isEmpty();
    }

    /** What a step does to the ledger. */
    public enum Action {
        /** run a versioned, raw or new repeatable file */
        APPLY,
        /** run a repeatable script again: it changed, or --force */
        RERUN,
        /** run a down file and delete its migration's ledger row */
        UNDO
    }

    /**
     * One file to run.
     *
     * @param migration the migration it applies or undoes (for UNDO, the up file)
     * @param fileName  the file whose SQL runs (for UNDO, the down file)
     * @param script    that SQL, split and checked
     * @param note      why it runs or what to know ("changed since its last run"), or null
     */
    public record Step(MigrationFile migration, Action action, String fileName, SqlScript script, String note) {

        public boolean transactional() {
            return script.transactional();
        }

        /** "in a transaction", or "outside a transaction (CREATE INDEX CONCURRENTLY at line 3)". */
        public String transactionMode() {
            return script.nonTransactionalReason().map(r -> "outside a transaction (" + r + ")")
                    .orElse("in a transaction");
        }
    }
}

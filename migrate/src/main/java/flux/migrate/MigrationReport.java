package flux.migrate;

import flux.migrate.MigrationPlan.Step;
import java.util.List;

/** What a run did, step by step, in order. */
public record MigrationReport(List<Outcome> outcomes, boolean dryRun) {

    public MigrationReport {
        outcomes = List.copyOf(outcomes);
    }

    public enum Result {
        /** ran and committed, with its ledger row */
        DONE,
        /** ran inside the dry run's transaction, which was rolled back */
        ROLLED_BACK,
        /** not run by a dry run: it cannot run inside a transaction */
        SKIPPED
    }

    /**
     * @param trackedTables tables given REPLICA IDENTITY FULL by this step, quoted
     */
    public record Outcome(Step step, Result result, long executionMs, List<String> trackedTables) {
    }
}

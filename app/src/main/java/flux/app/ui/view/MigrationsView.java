package flux.app.ui.view;

import flux.migrate.AppliedMigration;
import flux.migrate.MigrationStatus;
import java.util.List;

/**
 * The migrations directory against the ledger: each file's state, the ledger's rows, and counts
 * of what needs attention (pending; edited after apply or missing, the files' drift from the
 * ledger; dirty: versions whose file failed part-way outside a transaction, which block every run
 * until {@code flux db repair}, and indexes a failed {@code CREATE INDEX CONCURRENTLY} left invalid).
 */
public record MigrationsView(Frame frame, String directory, List<MigrationStatus> files, List<AppliedMigration> ledger,
                             long pending, long edited, long missing, List<String> invalidIndexes, String error) {

    /** The ledger's dirty versions, in the order applied. */
    public List<AppliedMigration> dirtyVersions() {
        return ledger.stream().filter(AppliedMigration::dirty).toList();
    }

    /** Dirty versions and invalid indexes together: what needs an operator before migrations run again cleanly. */
    public int dirty() {
        return dirtyVersions().size() + invalidIndexes.size();
    }
}

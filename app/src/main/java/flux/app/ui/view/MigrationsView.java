package flux.app.ui.view;

import flux.migrate.AppliedMigration;
import flux.migrate.MigrationStatus;
import java.util.List;

/**
 * The migrations directory against the ledger: each file's state, the ledger's rows, and counts
 * of what needs attention (pending; edited after apply or missing, the files' drift from the
 * ledger; dirty: indexes a failed {@code CREATE INDEX CONCURRENTLY} left invalid).
 */
public record MigrationsView(Frame frame, String directory, List<MigrationStatus> files, List<AppliedMigration> ledger,
                             long pending, long edited, long missing, List<String> invalidIndexes, String error) {
}

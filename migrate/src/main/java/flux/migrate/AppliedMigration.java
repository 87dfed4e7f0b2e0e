package flux.migrate;

import java.time.OffsetDateTime;

/**
 * A row of {@code flux.flux_migrations}: a versioned migration that was applied, or that is
 * dirty ({@code success} false: it failed part-way outside a transaction).
 *
 * @param note the failure of a dirty row; how a row came without running (baseline, import); else null
 */
public record AppliedMigration(long rank, Version version, String name, String checksum, OffsetDateTime appliedAt,
                               long executionMs, boolean transactional, boolean success, String note) {

    /** Failed part-way: the database may hold some of its statements' effects. */
    public boolean dirty() {
        return !success;
    }
}

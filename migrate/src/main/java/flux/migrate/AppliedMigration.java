package flux.migrate;

import java.time.OffsetDateTime;

/** A row of {@code flux.flux_migrations}: a versioned migration that committed. */
public record AppliedMigration(long rank, Version version, String name, String checksum, OffsetDateTime appliedAt,
                               long executionMs, boolean transactional) {
}

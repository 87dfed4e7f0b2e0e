package flux.migrate;

import java.time.OffsetDateTime;

/** A row of {@code flux.flux_repeatable_scripts}: the last run of a repeatable script. */
public record AppliedScript(String name, String checksum, OffsetDateTime appliedAt, long executionMs, int runCount) {
}

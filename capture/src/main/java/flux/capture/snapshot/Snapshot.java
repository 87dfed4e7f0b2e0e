package flux.capture.snapshot;

import java.time.Instant;

/**
 * One snapshot (backfill) of a table to its topic, as {@code flux.capture_snapshots} holds it.
 *
 * @param filter        the admin's {@code --where} expression, or null for every row
 * @param lastKey       the key of the last row published (JSON object), null before the first chunk
 * @param maxKey        the highest key matching when it was asked for: where it ends (rows inserted after
 *                      with higher keys are published by their changes); null for a table with no such row
 * @param rowsEstimated rows matching when it was asked for (a progress figure, not a promise)
 */
public record Snapshot(String id, String schema, String table, String filter, int chunkSize, String status,
                       String lastKey, String maxKey, long rowsDone, long rowsEstimated, String error, Instant createdAt,
                       Instant updatedAt) {
    public static final String RUNNING = "running";
    public static final String DONE = "done";
    public static final String CANCELLED = "cancelled";
    public static final String FAILED = "failed";

    public String qualifiedName() {
        return schema + "." + table;
    }
}

package flux.capture.snapshot;

/**
 * What the runner is doing with the snapshot it works on, live (capture status); the stored figures
 * are {@link Snapshot}'s.
 *
 * @param rowsEmitted     READ messages acknowledged by Kafka in this run (keys changed between a chunk's
 *                        watermarks are not among them: their changes publish them)
 * @param chunksPublished chunks published and acknowledged in this run
 * @param progressKey     the last key of the last chunk stored as done: a restart resumes after it
 * @param readUpTo        the last key read: of the newest chunk in flight
 * @param chunksInFlight  chunks read and waiting for their high watermark to stream
 */
public record SnapshotProgress(String id, String table, long rowsEmitted, long chunksPublished, String progressKey,
                               String readUpTo, int chunksInFlight) {
}

package flux.capture.snapshot;

import flux.capture.CaptureException;

/**
 * How capture snapshots tables (docs/capture.md, "Snapshots").
 *
 * @param chunkSize      rows read and published per chunk, between two watermarks
 * @param onJoin         snapshot a table automatically when it joins capture (its existing rows as READ messages)
 * @param chunksInFlight chunks read and between their watermarks at once, waiting for the stream (each
 *                       costs a trip of its high watermark through capture; they overlap). Memory: up to
 *                       chunksInFlight x chunkSize rows
 */
public record SnapshotSettings(int chunkSize, boolean onJoin, int chunksInFlight) {
    public static final int DEFAULT_CHUNKS_IN_FLIGHT = 4;
    /** Watermarks and rows held: a bound so a typo cannot hold a table in memory. */
    public static final int MAX_CHUNKS_IN_FLIGHT = 64;
    public static final SnapshotSettings DEFAULT = new SnapshotSettings(1024, false, DEFAULT_CHUNKS_IN_FLIGHT);

    public SnapshotSettings {
        if (chunkSize < 1 || chunkSize > SnapshotStore.MAX_CHUNK) {
            throw new CaptureException.Permanent("snapshot chunk size must be 1 to " + SnapshotStore.MAX_CHUNK
                    + " rows: " + chunkSize);
        }
        if (chunksInFlight < 1 || chunksInFlight > MAX_CHUNKS_IN_FLIGHT) {
            throw new CaptureException.Permanent("snapshot chunks in flight must be 1 to " + MAX_CHUNKS_IN_FLIGHT
                    + ": " + chunksInFlight);
        }
    }

    public SnapshotSettings(int chunkSize, boolean onJoin) {
        this(chunkSize, onJoin, DEFAULT_CHUNKS_IN_FLIGHT);
    }
}

package flux.capture.snapshot;

import flux.capture.CaptureException;

/**
 * How capture snapshots tables (docs/capture.md, "Snapshots").
 *
 * @param chunkSize rows read and published per chunk, between two watermarks
 * @param onJoin    snapshot a table automatically when it joins capture (its existing rows as READ messages)
 */
public record SnapshotSettings(int chunkSize, boolean onJoin) {
    public static final SnapshotSettings DEFAULT = new SnapshotSettings(1024, false);

    public SnapshotSettings {
        if (chunkSize < 1 || chunkSize > SnapshotStore.MAX_CHUNK) {
            throw new CaptureException.Permanent("snapshot chunk size must be 1 to " + SnapshotStore.MAX_CHUNK
                    + " rows: " + chunkSize);
        }
    }
}

package flux.app.capture;

import flux.capture.CaptureState;
import flux.capture.CaptureStatus;
import java.time.Instant;
import java.util.Map;

/** Status snapshots as a pipeline reports them, streaming or failed (no pipeline needed). */
final class FailedSnapshots {
    static final Instant AT = Instant.parse("2026-12-06T20:01:54.195Z");
    static final String REASON = "role \"flux_app\" lacks the REPLICATION attribute that streaming the WAL needs"
            + " (ALTER ROLE \"flux_app\" REPLICATION)";

    private FailedSnapshots() {
    }

    static CaptureStatus.Snapshot streaming() {
        return snapshot(CaptureState.STREAMING, "Kafka: timed out", null);
    }

    static CaptureStatus.Snapshot failed() {
        return snapshot(CaptureState.FAILED, REASON, new CaptureStatus.Failure(REASON, AT));
    }

    private static CaptureStatus.Snapshot snapshot(CaptureState state, String lastError, CaptureStatus.Failure failure) {
        return new CaptureStatus.Snapshot(state, "flux", "flux", null, null, 0, 0, 0,
                new CaptureStatus.CrossCheckCounts(0, 0, 0, 0, 0), 0, 2, null, lastError, failure, Map.of(), 0,
                Map.of(), null);
    }
}

package flux.app.capture;

import flux.capture.CaptureState;
import flux.capture.CaptureStatus;
import jakarta.inject.Singleton;
import java.util.Optional;

/**
 * Capture's part of {@code GET /health}: DOWN once capture FAILED (a permanent failure: it no
 * longer retries), with the reason and since when; UP in every other state, including while it
 * recovers or waits for Kafka (those heal by themselves; the database and Kafka components show
 * what is away). Absent while capture is disabled or not started yet.
 */
@Singleton
public final class CaptureHealth {
    private final CaptureRunner runner;

    CaptureHealth(CaptureRunner runner) {
        this.runner = runner;
    }

    /** What /health shows of capture: its state, and once it FAILED why and since when (else nulls). */
    public record Reading(boolean failed, String state, String error, String since) {
    }

    /** The reading, or empty when /health should not list capture. */
    public Optional<Reading> read() {
        return runner.pipeline().map(p -> read(p.status()));
    }

    static Reading read(CaptureStatus.Snapshot s) {
        boolean failed = s.state() == CaptureState.FAILED && s.failure() != null;
        return new Reading(failed, s.state().name(), failed ? s.failure().reason() : null,
                failed ? s.failure().at().toString() : null);
    }
}

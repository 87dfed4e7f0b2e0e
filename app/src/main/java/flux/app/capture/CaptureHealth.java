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

    /** What {@code /health} says of a failure to a caller who may not read its reason. */
    public static final String GENERIC_FAILURE = "capture failed";

    /** What /health shows of capture: its state, and once it FAILED why and since when (else nulls). */
    public record Reading(boolean failed, String state, String error, String since) {
        /**
         * The reading for a caller who is not the operator: a failure without its reason, which
         * may name a tenant's table, a role or the database's settings.
         */
        public Reading withoutReason() {
            return failed ? new Reading(true, state, GENERIC_FAILURE, since) : this;
        }
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

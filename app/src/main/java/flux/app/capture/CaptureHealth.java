package flux.app.capture;

import flux.capture.CaptureState;
import flux.capture.CaptureStatus;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.Map;
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

    /** The component, or empty when /health should not list capture. */
    public Optional<Map<String, Object>> component() {
        return runner.pipeline().map(p -> component(p.status()));
    }

    static Map<String, Object> component(CaptureStatus.Snapshot s) {
        Map<String, Object> c = new LinkedHashMap<>(); // status first, as the other components
        boolean failed = s.state() == CaptureState.FAILED && s.failure() != null;
        c.put("status", failed ? "DOWN" : "UP");
        c.put("state", s.state().name());
        if (failed) {
            c.put("error", s.failure().reason());
            c.put("since", s.failure().at().toString());
        }
        return c;
    }
}

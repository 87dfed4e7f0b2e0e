package flux.app.capture;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CaptureHealthTest {

    @Test
    void aFailedCaptureIsDownWithTheReasonAndSinceWhen() {
        assertThat(CaptureHealth.component(FailedSnapshots.failed())).containsExactly(entry("status", "DOWN"),
                entry("state", "FAILED"), entry("error", FailedSnapshots.REASON),
                entry("since", "2026-12-06T20:01:54.195Z"));
    }

    @Test
    void aCaptureThatCanStillRecoverIsUpWithItsState() {
        assertThat(CaptureHealth.component(FailedSnapshots.streaming()))
                .containsExactly(entry("status", "UP"), entry("state", "STREAMING"));
    }
}

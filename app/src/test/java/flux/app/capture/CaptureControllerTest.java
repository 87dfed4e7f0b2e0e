package flux.app.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The status document's fields for a failure (the rest is covered by CaptureStatusIT). */
class CaptureControllerTest {

    @Test
    void aFailedCaptureReportsItsReasonAndWhen() {
        Map<String, Object> body = CaptureController.body(FailedSnapshots.failed(), null);
        assertThat(body).containsEntry("state", "FAILED").containsEntry("restarts", 2L)
                .containsEntry("last_error", FailedSnapshots.REASON)
                .containsEntry("failure", Map.of("reason", FailedSnapshots.REASON, "at", "2026-12-06T20:01:54.195Z"));
    }

    @Test
    void aRunningCaptureHasNoFailure() {
        assertThat(CaptureController.body(FailedSnapshots.streaming(), null)).containsEntry("failure", null)
                .containsEntry("last_error", "Kafka: timed out");
    }
}

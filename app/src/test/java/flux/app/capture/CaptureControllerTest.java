package flux.app.capture;

import static org.assertj.core.api.Assertions.assertThat;

import flux.app.http.ServerJson;
import org.junit.jupiter.api.Test;

/** The status document's fields for a failure (the rest is covered by CaptureStatusShapeTest and CaptureStatusIT). */
class CaptureControllerTest {

    @Test
    void aFailedCaptureReportsItsReasonAndWhen() {
        String json = ServerJson.write(CaptureStatusAnswer.of(FailedSnapshots.failed(), null));
        assertThat(json).contains("\"state\":\"FAILED\"", "\"restarts\":2",
                "\"last_error\":" + ServerJson.write(FailedSnapshots.REASON),
                "\"failure\":{\"reason\":" + ServerJson.write(FailedSnapshots.REASON) + ",\"at\":\"2026-12-06T20:01:54.195Z\"}");
    }

    @Test
    void aRunningCaptureHasNoFailure() {
        String json = ServerJson.write(CaptureStatusAnswer.of(FailedSnapshots.streaming(), null));
        assertThat(json).doesNotContain("\"failure\"").contains("\"last_error\":\"Kafka: timed out\"");
    }
}

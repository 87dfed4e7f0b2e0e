package flux.app.capture;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CaptureHealthTest {

    @Test
    void aFailedCaptureIsDownWithTheReasonAndSinceWhen() {
        assertThat(CaptureHealth.read(FailedSnapshots.failed())).isEqualTo(new CaptureHealth.Reading(true, "FAILED",
                FailedSnapshots.REASON, "2026-12-06T20:01:54.195Z"));
    }

    @Test
    void aCaptureThatCanStillRecoverIsUpWithItsState() {
        assertThat(CaptureHealth.read(FailedSnapshots.streaming()))
                .isEqualTo(new CaptureHealth.Reading(false, "STREAMING", null, null));
    }
}

package flux.app.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/** The capture settings of {@code flux serve}, as the server reads them (no database needed). */
class CaptureRunnerTest {
    private static CaptureRunner runner(long pollIntervalMs) {
        return new CaptureRunner(false, "jdbc:postgresql://127.0.0.1:5432/flux", "", "", "flux", "flux",
                pollIntervalMs, "127.0.0.1:9092", new SimpleMeterRegistry());
    }

    @Test
    void aBadPollIntervalStopsStartUpNamingTheSetting() {
        assertThatThrownBy(() -> runner(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("flux.capture.poll-interval-ms (FLUX_CAPTURE_POLL_INTERVAL_MS): ")
                .hasMessageContaining("from 1 ms to 1 min");
    }

    @Test
    void aValidPollIntervalIsAccepted() {
        assertThat(runner(50).config().pollInterval()).isEqualTo(java.time.Duration.ofMillis(50));
    }
}

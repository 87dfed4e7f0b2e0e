package flux.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class CaptureConfigTest {
    private static final CaptureConfig BASE = CaptureConfig.fromJdbcUrl("jdbc:postgresql://db.example:6543/app",
            "flux", "", "flux", "flux", "kafka:9092");

    @Test
    void pollIntervalDefaultsToFiveMillisecondsAndReachesDebezium() {
        assertThat(BASE.pollInterval()).isEqualTo(Duration.ofMillis(5));
        assertThat(EngineProperties.of(BASE).getProperty("poll.interval.ms")).isEqualTo("5");
        CaptureConfig nineArguments = new CaptureConfig("h", 5432, "d", "u", "", "s", "p", "k:9092", null);
        assertThat(nineArguments.pollInterval()).isEqualTo(CaptureConfig.DEFAULT_POLL_INTERVAL);
    }

    @Test
    void aConfiguredPollIntervalReachesDebeziumAndKeepsTheRest() {
        CaptureConfig slower = BASE.withPollInterval(Duration.ofMillis(50));
        assertThat(EngineProperties.of(slower).getProperty("poll.interval.ms")).isEqualTo("50");
        assertThat(slower.withPollInterval(null)).isEqualTo(BASE);
        assertThat(slower.jdbcUrl()).isEqualTo(BASE.jdbcUrl());
        assertThat(slower.slotName()).isEqualTo(BASE.slotName());
        assertThat(slower.heartbeat()).isEqualTo(BASE.heartbeat());
        assertThat(BASE.withPollInterval(Duration.ofMinutes(1)).pollInterval()).isEqualTo(Duration.ofMinutes(1));
        assertThat(BASE.withPollInterval(Duration.ofMillis(1)).pollInterval()).isEqualTo(Duration.ofMillis(1));
    }

    @Test
    void pollIntervalsDebeziumCannotHonourAreRefused() {
        for (Duration bad : new Duration[] {Duration.ZERO, Duration.ofMillis(-5), Duration.ofNanos(1_500_000),
                Duration.ofMinutes(1).plusMillis(1)}) {
            assertThatThrownBy(() -> BASE.withPollInterval(bad)).as(bad.toString())
                    .isInstanceOf(CaptureException.Permanent.class)
                    .hasMessageContaining("poll interval must be whole milliseconds from 1 ms to 1 min");
        }
    }
}

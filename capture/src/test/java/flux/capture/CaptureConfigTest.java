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

    @Test
    void engineSettingsDefaultToTheMeasuredValuesAndReachDebezium() {
        assertThat(BASE.engine()).isEqualTo(new EngineSettings(4096, 16384, 4));
        assertThat(EngineProperties.of(BASE).getProperty("max.batch.size")).isEqualTo("4096");
        assertThat(EngineProperties.of(BASE).getProperty("max.queue.size")).isEqualTo("16384");
        CaptureConfig other = BASE.withEngine(new EngineSettings(1024, 8192, 0)).withPollInterval(Duration.ofMillis(20));
        assertThat(EngineProperties.of(other).getProperty("max.batch.size")).isEqualTo("1024");
        assertThat(EngineProperties.of(other).getProperty("max.queue.size")).isEqualTo("8192");
        assertThat(other.engine().sendsInFlight()).isZero();
        assertThat(other.withEngine(null).withPollInterval(null)).isEqualTo(BASE);
    }

    @Test
    void engineSettingsDebeziumCannotHonourAreRefused() {
        for (int[] bad : new int[][] {{0, 16384, 4}, {4096, 4096, 4}, {4096, 2048, 4}, {4096, 16384, -1},
                {4096, 16384, 65}, {4096, (1 << 20) + 1, 4}}) {
            assertThatThrownBy(() -> new EngineSettings(bad[0], bad[1], bad[2])).as(java.util.Arrays.toString(bad))
                    .isInstanceOf(CaptureException.Permanent.class);
        }
    }
}

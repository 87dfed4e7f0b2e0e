package flux.app.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import flux.capture.CaptureConfig;
import flux.capture.EngineSettings;
import flux.capture.kafka.TopicSettings;
import flux.capture.snapshot.SnapshotSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The capture settings of {@code flux serve}, as the server reads them (no database needed). */
class CaptureRunnerTest {
    private static CaptureRunner runner(long pollIntervalMs) {
        return runner(pollIntervalMs, 3);
    }

    private static CaptureRunner runner(long pollIntervalMs, int partitions) {
        return runner(pollIntervalMs, 2048, 8192, 2, partitions);
    }

    private static CaptureRunner runner(long pollIntervalMs, int batch, int queue, int sendsInFlight, int partitions) {
        return new CaptureRunner(false, "jdbc:postgresql://db.example:6543/app", "flux_app", "secret", "slot_a",
                "pub_b", pollIntervalMs, batch, queue, sendsInFlight, partitions, (short) 2, 86_400_000L, 500, true, 6,
                "kafka.example:9092", new SimpleMeterRegistry());
    }

    @Test
    void aBadEngineSettingStopsStartUpNamingTheSettings() {
        assertThatThrownBy(() -> runner(5, 4096, 4096, 4, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("flux.capture.max-batch-size, max-queue-size, sends-in-flight (")
                .hasMessageContaining("the queue above the batch");
    }

    @Test
    void aBadTopicSettingStopsStartUpNamingTheSettings() {
        assertThatThrownBy(() -> runner(5, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("flux.capture.topic.* (FLUX_CAPTURE_TOPIC_PARTITIONS, ")
                .hasMessageContaining("partitions must be 1 or more");
    }

    @Test
    void aBadPollIntervalStopsStartUpNamingTheSetting() {
        assertThatThrownBy(() -> runner(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("flux.capture.poll-interval-ms (FLUX_CAPTURE_POLL_INTERVAL_MS): ")
                .hasMessageContaining("from 1 ms to 1 min");
    }

    @Test
    void eachServerSettingReachesCapturesConfiguration() {
        CaptureConfig config = runner(50).config();
        assertThat(config.host()).isEqualTo("db.example");
        assertThat(config.port()).isEqualTo(6543);
        assertThat(config.database()).isEqualTo("app");
        assertThat(config.user()).isEqualTo("flux_app");
        assertThat(config.password()).isEqualTo("secret");
        assertThat(config.slotName()).isEqualTo("slot_a");
        assertThat(config.publicationName()).isEqualTo("pub_b");
        assertThat(config.kafkaBootstrap()).isEqualTo("kafka.example:9092");
        assertThat(config.pollInterval()).isEqualTo(Duration.ofMillis(50));
        assertThat(config.engine()).isEqualTo(new EngineSettings(2048, 8192, 2));
        assertThat(config.topics()).isEqualTo(new TopicSettings(3, (short) 2, 86_400_000L));
        assertThat(config.snapshots()).isEqualTo(new SnapshotSettings(500, true, 6));
    }
}

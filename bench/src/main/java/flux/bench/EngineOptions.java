package flux.bench;

import flux.capture.CaptureConfig;
import flux.capture.CaptureException;
import flux.capture.EngineSettings;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The capture bench's engine knobs (docs/capture.md, "Configuration"), each unset by default so
 * the product's default applies: handed to a pipeline in the bench's JVM as its configuration, to
 * a {@code flux serve} process as its environment. One knob per run, so each is measured on its own.
 */
final class EngineOptions {
    @Option(names = "--max-batch-size", description = "Debezium's max.batch.size (flux.capture.max-batch-size; default: the product's, 4096).")
    Integer maxBatchSize;

    @Option(names = "--max-queue-size", description = "Debezium's max.queue.size, above the batch size (flux.capture.max-queue-size; default 16384).")
    Integer maxQueueSize;

    @Option(names = "--sends-in-flight", description = "Kafka sends left awaiting acknowledgement after a full batch (flux.capture.sends-in-flight; default 4).")
    Integer sendsInFlight;

    @Option(names = "--poll-interval-ms", description = "Debezium's poll.interval.ms (flux.capture.poll-interval-ms; default 5).")
    Integer pollIntervalMs;

    /** {@code config} with the knobs given; a usage error (CaptureException.Permanent) for values refused. */
    CaptureConfig apply(CaptureConfig config) {
        EngineSettings e = config.engine();
        CaptureConfig c = config.withEngine(new EngineSettings(maxBatchSize != null ? maxBatchSize : e.maxBatchSize(),
                maxQueueSize != null ? maxQueueSize : e.maxQueueSize(),
                sendsInFlight != null ? sendsInFlight : e.sendsInFlight()));
        return pollIntervalMs != null ? c.withPollInterval(Duration.ofMillis(pollIntervalMs)) : c;
    }

    /** The knobs as capture would run with them (for the report); a usage error for values capture refuses. */
    String check(CommandLine cli) {
        try {
            return describe(apply(CaptureConfig.fromJdbcUrl("jdbc:postgresql://localhost/flux", "flux", "", "flux",
                    "flux", "localhost:9092")));
        } catch (CaptureException.Permanent e) {
            throw new ParameterException(cli, e.getMessage());
        }
    }

    /** The knobs given, as {@code flux serve}'s environment variables. */
    Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        put(env, "FLUX_CAPTURE_MAX_BATCH_SIZE", maxBatchSize);
        put(env, "FLUX_CAPTURE_MAX_QUEUE_SIZE", maxQueueSize);
        put(env, "FLUX_CAPTURE_SENDS_IN_FLIGHT", sendsInFlight);
        put(env, "FLUX_CAPTURE_POLL_INTERVAL_MS", pollIntervalMs);
        return env;
    }

    /** For the report: the knobs as the product runs with them. */
    static String describe(CaptureConfig config) {
        EngineSettings e = config.engine();
        return String.format("max.batch.size %d, max.queue.size %d, sends in flight %d, poll.interval.ms %d",
                e.maxBatchSize(), e.maxQueueSize(), e.sendsInFlight(), config.pollInterval().toMillis());
    }

    private static void put(Map<String, String> env, String name, Integer value) {
        if (value != null) {
            env.put(name, value.toString());
        }
    }
}

package flux.app.capture;

import flux.app.server.StartupFailure;
import flux.capture.CaptureConfig;
import flux.capture.CaptureException;
import flux.capture.CapturePipeline;
import flux.capture.EngineSettings;
import flux.capture.StartTimeline;
import flux.capture.kafka.TopicSettings;
import flux.capture.snapshot.SnapshotSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.runtime.server.event.ServerStartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prepares capture before the HTTP server accepts requests ({@link #prepare()}: publication and
 * slot exist, so no acknowledged write can miss Kafka), starts streaming right after (beside HTTP's
 * start), and stops it with the context. Off with {@code flux.capture.enabled=false}
 * (env FLUX_CAPTURE_ENABLED). Slot and publication: {@code flux.capture.slot},
 * {@code flux.capture.publication} (default {@code flux}); Debezium's poll interval:
 * {@code flux.capture.poll-interval-ms} (default 5); the engine's batching: {@code flux.capture.max-batch-size}
 * (4096), {@code flux.capture.max-queue-size} (16384), {@code flux.capture.sends-in-flight} (4); the topics it makes:
 * {@code flux.capture.topic.partitions} (1), {@code .replication-factor} and {@code .retention-ms}
 * (the broker's defaults when unset); snapshots: {@code flux.capture.snapshot.chunk-size} (1024),
 * {@code flux.capture.snapshot.chunks-in-flight} (4) and {@code flux.capture.snapshot.on-join} (false).
 */
@Singleton
public final class CaptureRunner implements ApplicationEventListener<ServerStartupEvent> {
    private static final Logger log = LoggerFactory.getLogger(CaptureRunner.class);

    private final boolean enabled;
    private final CaptureConfig config;
    private CapturePipeline pipeline;
    private boolean streaming;

    CaptureRunner(@Value("${flux.capture.enabled:true}") boolean enabled,
                  @Value("${flux.database.jdbc-url}") String jdbcUrl,
                  @Nullable @Value("${flux.database.username:}") String username,
                  @Nullable @Value("${flux.database.password:}") String password,
                  @Value("${flux.capture.slot:" + CaptureConfig.DEFAULT_SLOT + "}") String slot,
                  @Value("${flux.capture.publication:" + CaptureConfig.DEFAULT_PUBLICATION + "}") String publication,
                  @Value("${flux.capture.poll-interval-ms:5}") long pollIntervalMs,
                  @Value("${flux.capture.max-batch-size:4096}") int maxBatchSize,
                  @Value("${flux.capture.max-queue-size:16384}") int maxQueueSize,
                  @Value("${flux.capture.sends-in-flight:4}") int sendsInFlight,
                  @Value("${flux.capture.topic.partitions:1}") int topicPartitions,
                  @Nullable @Value("${flux.capture.topic.replication-factor:}") Short topicReplicationFactor,
                  @Nullable @Value("${flux.capture.topic.retention-ms:}") Long topicRetentionMs,
                  @Value("${flux.capture.snapshot.chunk-size:1024}") int snapshotChunkSize,
                  @Value("${flux.capture.snapshot.on-join:false}") boolean snapshotOnJoin,
                  @Value("${flux.capture.snapshot.chunks-in-flight:" + SnapshotSettings.DEFAULT_CHUNKS_IN_FLIGHT + "}")
                  int snapshotChunksInFlight,
                  @Named("kafkaBootstrapServers") String kafkaBootstrap,
                  MeterRegistry metrics) {
        this.enabled = enabled;
        CaptureConfig base = CaptureConfig.fromJdbcUrl(jdbcUrl, username, password, slot, publication, kafkaBootstrap);
        CaptureConfig withPollInterval;
        try {
            withPollInterval = base.withPollInterval(Duration.ofMillis(pollIntervalMs));
        } catch (CaptureException.Permanent e) { // name the setting to fix, not only the value
            throw new IllegalArgumentException("flux.capture.poll-interval-ms (FLUX_CAPTURE_POLL_INTERVAL_MS): "
                    + e.getMessage(), e);
        }
        try {
            withPollInterval = withPollInterval.withEngine(new EngineSettings(maxBatchSize, maxQueueSize, sendsInFlight));
        } catch (CaptureException.Permanent e) {
            throw new IllegalArgumentException("flux.capture.max-batch-size, max-queue-size, sends-in-flight"
                    + " (FLUX_CAPTURE_MAX_BATCH_SIZE, FLUX_CAPTURE_MAX_QUEUE_SIZE, FLUX_CAPTURE_SENDS_IN_FLIGHT): "
                    + e.getMessage(), e);
        }
        try {
            withPollInterval = withPollInterval.withTopics(new TopicSettings(topicPartitions, topicReplicationFactor,
                    topicRetentionMs));
        } catch (CaptureException.Permanent e) {
            throw new IllegalArgumentException("flux.capture.topic.* (FLUX_CAPTURE_TOPIC_PARTITIONS, "
                    + "FLUX_CAPTURE_TOPIC_REPLICATION_FACTOR, FLUX_CAPTURE_TOPIC_RETENTION_MS): " + e.getMessage(), e);
        }
        try {
            this.config = withPollInterval.withSnapshots(new SnapshotSettings(snapshotChunkSize, snapshotOnJoin,
                    snapshotChunksInFlight));
        } catch (CaptureException.Permanent e) {
            throw new IllegalArgumentException("flux.capture.snapshot.chunk-size, flux.capture.snapshot.chunks-in-flight"
                    + " (FLUX_CAPTURE_SNAPSHOT_CHUNK_SIZE, FLUX_CAPTURE_SNAPSHOT_CHUNKS_IN_FLIGHT): " + e.getMessage(), e);
        }
        CaptureMetrics.register(metrics, this);
    }

    /**
     * Called by the server's start after the {@code flux} schema and the migrations are in, before HTTP
     * starts: creates the publication and the slot when missing ({@link CapturePipeline#prepare()}),
     * then starts streaming at once, beside HTTP's start (a backlog left while the server was down
     * drains the sooner; writes acknowledged later are in the slot either way).
     * When preparing fails for a reason that may heal (PostgreSQL unreachable), the server does not start:
     * serving would acknowledge writes the slot does not hold yet, and those would never reach Kafka.
     * A permanent failure leaves capture FAILED with its reason, and the server starts, as when capture
     * fails later (health DOWN).
     */
    public synchronized void prepare() {
        prepare(-1);
    }

    /**
     * As {@link #prepare()}, with when the server's context began to start ({@link StartTimeline#now()}), so
     * that the start's phases tell the JVM's start and the backends from the context (-1: not known).
     */
    public synchronized void prepare(long contextFromMs) {
        if (!enabled || pipeline != null) {
            return;
        }
        CapturePipeline prepared = new CapturePipeline(config);
        if (contextFromMs >= 0) {
            prepared.figures().start().markTo("JVM and backends", contextFromMs);
        }
        prepared.figures().start().mark("server context");
        try {
            prepared.prepare();
        } catch (CaptureException.Retriable e) {
            prepared.close();
            throw new StartupFailure("capture cannot prepare slot " + config.slotName() + " and publication "
                    + config.publicationName() + ", so writes would not reach Kafka: " + e.getMessage()
                    + " (or disable capture: FLUX_CAPTURE_ENABLED=false)", e);
        }
        pipeline = prepared;
        startStreaming();
    }

    /** HTTP is up: a start that did not prepare starts capture now (it prepares on its own thread). */
    @Override
    public synchronized void onApplicationEvent(ServerStartupEvent event) {
        if (!enabled) {
            log.info("capture is disabled (flux.capture.enabled=false)");
            return;
        }
        if (pipeline == null) {
            pipeline = new CapturePipeline(config);
        }
        startStreaming();
    }

    private void startStreaming() {
        if (streaming) {
            return;
        }
        pipeline.start();
        streaming = true;
        log.info("capture started: slot {}, publication {}", config.slotName(), config.publicationName());
    }

    /** The server's HTTP started, beside capture's start, from {@code fromMs} ({@link StartTimeline#now()}). */
    public synchronized void httpStarted(long fromMs) {
        if (pipeline != null) {
            pipeline.figures().start().markSince("http", fromMs);
        }
    }

    /** The running pipeline; empty when capture is disabled or the server has not started yet. */
    public synchronized Optional<CapturePipeline> pipeline() {
        return Optional.ofNullable(pipeline);
    }

    public boolean enabled() {
        return enabled;
    }

    /** The configuration capture runs (or would run) with. */
    CaptureConfig config() {
        return config;
    }

    /** Stops capture (idempotent): called first by the server's ordered stop, and again by the context. */
    @PreDestroy
    public synchronized void stop() {
        if (pipeline != null) {
            pipeline.close();
            pipeline = null;
            streaming = false;
        }
    }
}

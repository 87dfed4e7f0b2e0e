package flux.capture;

import flux.capture.kafka.KafkaChangePublisher;
import flux.capture.kafka.KafkaTopics;
import flux.capture.pg.PgConnections;
import flux.capture.pg.StreamerLock;
import flux.capture.snapshot.SnapshotRunner;
import flux.capture.snapshot.SnapshotWindows;
import flux.capture.verify.CrossCheck;
import flux.capture.wal.TransactionIds;
import flux.pg.SchemaChangeListener;
import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Debezium engine's runs for one pipeline, on its supervisor thread while it holds the streamer
 * lock: each {@link #run} builds the Kafka producer and the engine ({@link ChangeStreamHandler}),
 * follows {@code NOTIFY flux_schema_changed}, runs snapshots, and watches the engine, the lock and the
 * slot's lag until capture closes or the run fails; whichever way it ends, it stops all of them and
 * frees the slot before returning, the lock still held.
 */
final class EngineRunner {
    /** The pipeline's logger: a run logs as it did when this lived in the pipeline. */
    private static final Logger log = LoggerFactory.getLogger(CapturePipeline.class);
    /** How often the slot's lag is read (the status's slot_lag_bytes). */
    private static final Duration MONITOR_INTERVAL = Duration.ofSeconds(2);
    /** How often the watch looks at the engine, the lock and the closing flag. */
    private static final Duration WATCH_STEP = Duration.ofMillis(200);

    private final CaptureConfig config;
    private final CaptureStatus status;
    private final CaptureStateMachine states;
    private final TransactionIds transactionIds;
    private final KafkaTopics topics;
    private final PublicationSync publications;
    private final StreamingSlot slot;
    /** The pipeline's close() was called: the watch returns, a wait for Kafka gives up. */
    private final BooleanSupplier closing;

    EngineRunner(CaptureConfig config, CaptureStatus status, CaptureStateMachine states, TransactionIds transactionIds,
                 KafkaTopics topics, PublicationSync publications, StreamingSlot slot, BooleanSupplier closing) {
        this.config = config;
        this.status = status;
        this.states = states;
        this.transactionIds = transactionIds;
        this.topics = topics;
        this.publications = publications;
        this.slot = slot;
        this.closing = closing;
    }

    /**
     * Runs the engine until capture closes (returns) or the run fails (throws: the engine ended, the
     * lock's session is gone); always stops the engine and frees the slot before it returns.
     * {@code streamedUpTo}: the highest mutation record id streamed before where streaming resumes.
     */
    void run(StreamerLock lock, long streamedUpTo) throws Exception {
        unregisterStaleMetrics();
        CompletableFuture<Throwable> ended = new CompletableFuture<>();
        AtomicReference<DebeziumEngine<?>> built = new AtomicReference<>(); // for the callback below
        AtomicLong engineStarted = new AtomicLong(); // restart cost, part one (docs/capture.md, Throughput)
        KafkaChangePublisher publisher = new KafkaChangePublisher(config.kafkaBootstrap(),
                "flux-capture-" + config.slotName(), new KafkaStallListener(), topics);
        SnapshotWindows windows = new SnapshotWindows();
        ChangeStreamHandler handler = ChangeStreamHandler.of(config, status, new CrossCheck(transactionIds),
                publisher, closing, streamedUpTo, windows);
        SnapshotRunner snapshots = new SnapshotRunner(config, windows, status::snapshotProgress);
        DebeziumEngine<RecordChangeEvent<SourceRecord>> engine = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
                .using(EngineProperties.of(config))
                .using((success, message, error) -> ended.complete(
                        error != null ? error : new IllegalStateException("engine stopped: " + message)))
                .using(new DebeziumEngine.ConnectorCallback() {
                    @Override
                    public void pollingStarted() {
                        LastEventSummary.install(built.get()); // tasks (and their metrics) exist now
                        status.start.mark("Debezium's task started");
                        log.info("capture {}: Debezium's task started in {} ms", config.slotName(),
                                (System.nanoTime() - engineStarted.get()) / 1_000_000);
                        states.transition(CaptureState.STARTING, CaptureState.STREAMING);
                    }
                })
                .notifying(handler)
                .build();
        built.set(engine);
        status.start.mark("engine built");
        ExecutorService runner = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "flux-capture-engine-" + config.slotName());
            t.setDaemon(true);
            return t;
        });
        // New tables join the publication when a schema change is announced: by a migration, capture's
        // event trigger or the schema detector (docs/contracts.md).
        SchemaChangeListener schemaChanges = new SchemaChangeListener("syncing publication " + config.publicationName(),
                "flux-capture-schema-" + config.slotName(), () -> PgConnections.open(config, "listen"),
                publications::syncPublication);
        try {
            schemaChanges.start();
            engineStarted.set(System.nanoTime());
            runner.execute(engine);
            snapshots.start();
            watch(lock, ended);
        } finally {
            snapshots.close(); // before the engine: its chunk in flight is read again by the next run
            if (!ended.isDone()) { // an engine that ended by itself is closed already
                stopEngine(engine);
            }
            runner.shutdown(); // let the engine's own shutdown finish before interrupting it
            if (!runner.awaitTermination(30, TimeUnit.SECONDS)) {
                runner.shutdownNow();
            }
            slot.free();
            schemaChanges.close();
            handler.close();
            publisher.close();
        }
    }

    /** Returns when closing; throws when the engine ended or the lock's session is gone. */
    private void watch(StreamerLock lock, CompletableFuture<Throwable> ended) throws Exception {
        long nextRefresh = 0;
        Connection monitor = null;
        try {
            while (!closing.getAsBoolean()) {
                Throwable failure = ended.getNow(null);
                if (failure != null) {
                    throw FailureClassifier.classify("Debezium engine ended", failure);
                }
                if (!lock.held()) {
                    throw new CaptureException.Retriable("lost the streamer lock's database session", null);
                }
                publications.retryRefused();
                if (System.nanoTime() >= nextRefresh) {
                    try {
                        if (monitor == null || monitor.isClosed()) {
                            monitor = PgConnections.open(config, "monitor");
                        }
                        slot.refresh(monitor);
                    } catch (SQLException e) {
                        log.debug("slot lag unavailable: {}", e.getMessage());
                        PgConnections.closeQuietly(monitor);
                        monitor = null;
                    }
                    nextRefresh = System.nanoTime() + MONITOR_INTERVAL.toNanos();
                }
                Thread.sleep(WATCH_STEP.toMillis());
            }
        } finally {
            PgConnections.closeQuietly(monitor);
        }
    }

    /**
     * An engine that was stopped abruptly leaves its JMX beans behind, and the next engine of
     * the same name waits 12 x 5 s per bean for them to go away before giving up on metrics.
     */
    private void unregisterStaleMetrics() {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            for (ObjectName name : server.queryNames(new ObjectName("debezium.postgres:server=" + config.slotName() + ",*"), null)) {
                try {
                    server.unregisterMBean(name);
                } catch (JMException e) {
                    log.debug("cannot unregister {}: {}", name, e.getMessage());
                }
            }
        } catch (MalformedObjectNameException e) {
            throw new IllegalStateException("slot name unusable in a JMX name: " + config.slotName(), e);
        }
    }

    private void stopEngine(DebeziumEngine<?> engine) {
        try {
            engine.close();
        } catch (IOException | RuntimeException e) {
            log.warn("capture {}: engine did not stop cleanly: {}", config.slotName(), e.getMessage());
        }
    }

    private final class KafkaStallListener implements KafkaChangePublisher.Listener {
        @Override
        public void stalled(Exception cause) {
            status.kafkaRetries.incrementAndGet();
            status.lastError.set("Kafka: " + cause.getMessage());
            states.transition(CaptureState.STREAMING, CaptureState.WAITING_FOR_KAFKA);
        }

        @Override
        public void resumed() {
            states.transition(CaptureState.WAITING_FOR_KAFKA, CaptureState.STREAMING);
        }
    }
}

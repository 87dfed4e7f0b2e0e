package flux.capture;

import flux.capture.kafka.KafkaTopics;
import flux.capture.pg.SlotOrigin;
import flux.capture.pg.StreamerLock;
import flux.capture.wal.TransactionIds;
import flux.pg.DatabaseException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * WAL to Kafka for one database and slot: the front door of the capture module.
 *
 * <p>{@link #prepare()}, called before anything writes (the server calls it before HTTP accepts
 * requests), makes sure the publication and the slot exist, so every write from then on is in the
 * slot's stream; it returns once they do. {@link #start()} returns at once; a supervisor thread then waits for the slot's advisory
 * lock (standby while another instance streams), syncs the publication, runs the Debezium
 * engine with {@link ChangeStreamHandler}, follows {@code NOTIFY flux_schema_changed}, and
 * refreshes the slot lag. Failures are {@link CaptureException}s, classified once where they
 * enter: after a retriable one (database restart, lost connection, the lock's session dead) it
 * stops the engine and starts over after a pause; offsets are only stored for acknowledged
 * records, so a restart replays and loses nothing (at-least-once). After a permanent one
 * (wal_level, privileges, a dropped slot, Kafka refusing a topic) it stops and stays
 * {@link CaptureState#FAILED}, {@link #status()} saying why. {@link #close()} stops everything
 * and waits. Where the first start went, phase by phase, is in {@link CaptureStatus#start()} (the topics
 * are made on a thread of their own meanwhile: a send makes a topic still missing first). Thread-safe.
 *
 * <p>This class keeps the life cycle's front (prepare, start, close) and the supervisor's loop; the
 * parts it wires: {@link CaptureStateMachine} (the state), {@link PublicationSync} (publication and
 * topics), {@link StreamingSlot} (the slot before, during and after a run), {@link EngineRunner} (one
 * run of the Debezium engine while this instance leads).
 */
public final class CapturePipeline implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CapturePipeline.class);
    private static final Duration RETRY_PAUSE = Duration.ofSeconds(2);
    /** How long {@link #prepare()} waits for another instance, which holds the streamer lock, to create the slot. */
    private static final Duration LEADER_SLOT_WAIT = Duration.ofSeconds(60);

    private final CaptureConfig config;
    private final CaptureStatus status = new CaptureStatus();
    private final CaptureStateMachine states;
    private final TransactionIds transactionIds = new TransactionIds();
    private final PublicationSync publications;
    private final StreamingSlot slot;
    private final EngineRunner engine;
    private final KafkaTopics topics;
    private final Thread supervisor;
    /** The slot's election; {@link #prepare()} may take it before the supervisor runs, which keeps it. */
    private final StreamerLock lock;
    private final AtomicBoolean started = new AtomicBoolean();
    /** What {@link #prepare()} found while holding the lock, for the supervisor's first attempt. */
    private final AtomicReference<Long> preparedStreamedUpTo = new AtomicReference<>();
    private volatile boolean closing;

    public CapturePipeline(CaptureConfig config) {
        this.config = config;
        this.states = new CaptureStateMachine(config.slotName(), status);
        this.topics = new KafkaTopics(config.kafkaBootstrap(), config.topics());
        this.publications = new PublicationSync(config, status, topics, () -> closing);
        this.slot = new StreamingSlot(config, status, publications, transactionIds);
        this.engine = new EngineRunner(config, status, states, transactionIds, topics, publications, slot,
                () -> closing);
        this.supervisor = new Thread(this::supervise, "flux-capture-" + config.slotName());
        this.supervisor.setDaemon(true);
        this.lock = new StreamerLock(config); // one session while standby, not one per attempt
    }

    public CaptureConfig config() {
        return config;
    }

    /**
     * Synchronously: when this instance can take the streamer lock, checks the prerequisites, installs
     * capture's schema, syncs the publication and creates the slot where missing, recording where it
     * starts ({@link SlotOrigin}); the lock is kept for {@link #start()}. When another instance holds
     * the lock, waits until the slot that instance creates exists. Either way, a write that commits
     * after this returns is streamed (docs/capture.md, "Start-up").
     *
     * <p>A permanent failure (wal_level, privileges, a dropped slot) does not throw: capture is
     * {@link CaptureState#FAILED} with the reason, as when it fails later, and {@link #start()} does
     * nothing. A retriable one (PostgreSQL unreachable, a lost connection) throws
     * {@link CaptureException.Retriable}: the caller should not accept writes then.
     */
    public void prepare() {
        if (started.get() || status.state.get() != CaptureState.CREATED) {
            throw new IllegalStateException("capture pipeline " + config.slotName() + " was already prepared or started");
        }
        states.moveTo(CaptureState.STARTING);
        long deadline = System.nanoTime() + LEADER_SLOT_WAIT.toNanos();
        try {
            while (true) {
                if (tryAcquire(lock)) {
                    preparedStreamedUpTo.set(slot.prepare());
                    return;
                }
                if (slot.exists()) {
                    states.moveTo(CaptureState.STANDBY);
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new CaptureException.Retriable("another instance holds the streamer lock of slot "
                            + config.slotName() + " but has not created the slot in " + LEADER_SLOT_WAIT.toSeconds() + " s", null);
                }
                pause(Duration.ofMillis(200));
            }
        } catch (CaptureException.Permanent permanent) {
            lock.close();
            status.lastError.set(permanent.getMessage());
            states.fail(permanent);
        } catch (CaptureException e) {
            lock.close();
            status.lastError.set(e.getMessage());
            throw e;
        } catch (InterruptedException e) {
            lock.close();
            Thread.currentThread().interrupt();
            throw new CaptureException.Retriable("interrupted while preparing slot " + config.slotName(), e);
        }
    }

    /** Starts the supervisor; capture streams as soon as it holds the slot's lock. Nothing to start once FAILED. */
    public void start() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("capture pipeline " + config.slotName() + " was already started");
        }
        if (status.state.get() == CaptureState.FAILED) {
            return;
        }
        supervisor.start();
    }

    public CaptureState state() {
        return status.state();
    }

    /** Whether the supervisor still runs: false once closed or FAILED (nothing left that could retry). */
    boolean supervising() {
        return supervisor.isAlive();
    }

    /** The live figures (for metrics). */
    public CaptureStatus figures() {
        return status;
    }

    public CaptureStatus.Snapshot status() {
        return status.snapshot(config.slotName(), config.publicationName());
    }

    @Override
    public void close() {
        closing = true; // polled by every wait of the supervisor (no interrupt: it would skip cleanups)
        states.moveTo(CaptureState.STOPPING);
        try {
            supervisor.join(TimeUnit.SECONDS.toMillis(60));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        publications.interruptTopicMaker();
        topics.close();
        if (!supervisor.isAlive()) {
            lock.close(); // prepared but never started: the lock prepare() took is still held
        }
        states.moveTo(CaptureState.STOPPED);
    }

    private void supervise() {
        try {
            while (!closing) {
                try {
                    if (!tryAcquire(lock)) {
                        states.moveTo(CaptureState.STANDBY);
                        pause(Duration.ofSeconds(1));
                        continue;
                    }
                    log.info("capture {}: holds the streamer lock {}", config.slotName(), lock.key());
                    streamWhileLeader(lock);
                } catch (InterruptedException e) {
                    break;
                } catch (Exception e) {
                    if (closing) {
                        break;
                    }
                    // Give the lock up either way: a healthy standby may take over meanwhile.
                    lock.close();
                    preparedStreamedUpTo.set(null); // another instance may stream before the lock is ours again
                    // Unexpected errors (bugs) land here unclassified: they are retried, as before.
                    CaptureException failure = FailureClassifier.classify("capture " + config.slotName(), e);
                    status.lastError.set(failure.getMessage());
                    if (failure instanceof CaptureException.Permanent permanent) {
                        states.fail(permanent);
                        return;
                    }
                    log.warn("capture {}: {}; restarting in {} s", config.slotName(), failure.getMessage(),
                            RETRY_PAUSE.toSeconds());
                    states.moveTo(CaptureState.RECOVERING);
                    try {
                        pause(RETRY_PAUSE);
                    } catch (InterruptedException stop) {
                        break;
                    }
                    status.restarts.incrementAndGet();
                }
            }
        } finally {
            lock.close();
        }
    }

    private boolean tryAcquire(StreamerLock lock) {
        try {
            return lock.tryAcquire();
        } catch (SQLException | DatabaseException failure) {
            SQLException e = DatabaseException.sqlCauseOf(failure);
            throw FailureClassifier.classify("cannot take the streamer lock of slot " + config.slotName(), e);
        }
    }

    private void streamWhileLeader(StreamerLock lock) throws Exception {
        states.moveTo(CaptureState.STARTING);
        Long prepared = preparedStreamedUpTo.getAndSet(null); // exact still: nobody streamed since, the lock was held
        long streamedUpTo = prepared != null ? prepared : slot.prepare();
        engine.run(lock, streamedUpTo);
    }

    private void pause(Duration d) throws InterruptedException {
        Thread.sleep(d.toMillis());
    }
}

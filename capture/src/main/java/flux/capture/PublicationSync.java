package flux.capture;

import flux.capture.kafka.KafkaTopics;
import flux.capture.pg.PgConnections;
import flux.capture.pg.Publication;
import flux.capture.snapshot.SnapshotStore;
import flux.pg.DatabaseException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one pipeline's publication and topics in step with the tracked tables: at each start, when a
 * schema change is announced (the listener's thread), and while tables stay refused (the supervisor).
 * One instance per pipeline; its syncs exclude one another on this instance's monitor, which is the
 * exclusion the pipeline's own monitor gave them before (nothing else synchronized on the pipeline).
 */
final class PublicationSync {
    /** The pipeline's logger: syncs log as they did when this lived in the pipeline. */
    private static final Logger log = LoggerFactory.getLogger(CapturePipeline.class);
    /** How often tables the publication refused are tried again. */
    private static final Duration REFUSED_RETRY = Duration.ofSeconds(30);

    private final CaptureConfig config;
    private final CaptureStatus status;
    private final Publication publication;
    private final KafkaTopics topics;
    private final BooleanSupplier closing;
    /** The thread making the topics of the last start ({@link #syncAtStart}); interrupted by the pipeline's close(). */
    private volatile Thread topicMaker;
    private volatile long lastSync;

    PublicationSync(CaptureConfig config, CaptureStatus status, KafkaTopics topics, BooleanSupplier closing) {
        this.config = config;
        this.status = status;
        this.publication = new Publication(config.publicationName());
        this.topics = topics;
        this.closing = closing;
    }

    /**
     * One sync at a time (the listener's and the supervisor's retry of refused tables), so two never
     * race to add the same table; the tables refused go to the status, and to the log when new.
     */
    private void sync(Connection c) throws SQLException {
        sync(c, false);
    }

    /**
     * As {@link #sync(Connection)}, with the topics made on a thread of their own: making them (an admin
     * client's first connection, a list, a create per missing topic) took 0.6-0.9 s of a start, and nothing
     * needs them before the first record, whose send makes any topic still missing first
     * ({@link KafkaTopics#ensure}, which waits for a check of the same topics in progress).
     */
    void syncAtStart(Connection c) throws SQLException {
        sync(c, true);
    }

    private synchronized void sync(Connection c, boolean topicsAside) throws SQLException {
        Publication.Sync done = publication.sync(c);
        lastSync = System.nanoTime();
        Map<String, String> before = status.refusedTables.getAndSet(Map.copyOf(done.refused()));
        done.refused().forEach((table, reason) -> {
            if (!reason.equals(before.get(table))) {
                log.warn("capture {}: table {} is not captured: {}", config.slotName(), table, reason);
            }
        });
        List<String> wanted = new ArrayList<>(KafkaTopics.fixed());
        wanted.addAll(publication.tableTopics(c));
        if (topicsAside) {
            long from = status.start.now();
            Thread maker = new Thread(() -> {
                if (makeTopics(wanted)) {
                    status.start.markSince("topics", from);
                }
            }, "flux-capture-topics-" + config.slotName());
            maker.setDaemon(true);
            topicMaker = maker;
            maker.start();
        } else {
            makeTopics(wanted);
        }
        if (config.snapshots().onJoin()) {
            SnapshotStore.onJoin(c, done.added(), config.snapshots().chunkSize());
        }
    }

    /**
     * The topics of every published table and capture's own, before their first record: at start and
     * when tables join. Kafka being away is not fatal here: the sending path makes a topic it lacks
     * before the record ({@link KafkaTopics#ensure}) and retries like any send. False when Kafka could not.
     */
    private boolean makeTopics(List<String> wanted) {
        try {
            topics.ensureAll(wanted);
            return true;
        } catch (KafkaException e) {
            if (!closing.getAsBoolean()) {
                log.warn("capture {}: cannot make topics yet ({}); each is made before its first record",
                        config.slotName(), e.toString());
            }
            return false;
        }
    }

    /** New tables join the publication: on a connection of its own, failures to the status and the log. */
    void syncPublication() {
        try (Connection c = PgConnections.open(config, "admin")) {
            sync(c);
        } catch (SQLException | DatabaseException caught) {
            SQLException e = DatabaseException.sqlCauseOf(caught);
            // Streaming goes on for the tables already published; the status shows what was refused.
            CaptureException failure = FailureClassifier.classify("cannot add new tables to publication "
                    + config.publicationName(), e);
            status.lastError.set(failure.getMessage());
            log.warn("capture {}: {}", config.slotName(), failure.getMessage());
        }
    }

    /** Syncs again when tables are refused and the last sync is old enough. */
    void retryRefused() {
        if (!status.refusedTables.get().isEmpty() && System.nanoTime() - lastSync > REFUSED_RETRY.toNanos()) {
            syncPublication(); // an owner may have fixed what was refused: nothing announces that
        }
    }

    /** A Kafka that is away would hold the topics' lock for their timeout. */
    void interruptTopicMaker() {
        Thread maker = topicMaker;
        if (maker != null) {
            maker.interrupt();
        }
    }
}

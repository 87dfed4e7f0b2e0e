package flux.capture;

import flux.capture.pg.CaptureSchema;
import flux.capture.pg.PgConnections;
import flux.capture.pg.Prerequisites;
import flux.capture.pg.ResumePosition;
import flux.capture.pg.SlotMonitor;
import flux.capture.pg.SlotOrigin;
import flux.capture.pg.SlotRelease;
import flux.capture.wal.TransactionIds;
import flux.pg.DatabaseException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The slot one pipeline streams from, on admin connections: made ready with its publication before an
 * engine starts ({@link #prepare}), read for its lag while one runs ({@link #refresh}), freed of its
 * walsender after one stopped ({@link #free}); {@link #exists} for a standby waiting for the leader to
 * create it. {@link #prepare} and {@link #free} are called while the streamer lock is held.
 */
final class StreamingSlot {
    /** The pipeline's logger: the slot's work logs as it did when this lived in the pipeline. */
    private static final Logger log = LoggerFactory.getLogger(CapturePipeline.class);
    /** How long a stopped engine's walsender may take to exit by itself before it is terminated. */
    private static final Duration SLOT_RELEASE_GRACE = Duration.ofSeconds(2);

    private final CaptureConfig config;
    private final CaptureStatus status;
    private final PublicationSync publications;
    private final TransactionIds transactionIds;
    private final SlotMonitor slotMonitor;

    StreamingSlot(CaptureConfig config, CaptureStatus status, PublicationSync publications,
                  TransactionIds transactionIds) {
        this.config = config;
        this.status = status;
        this.publications = publications;
        this.transactionIds = transactionIds;
        this.slotMonitor = new SlotMonitor(config.slotName());
    }

    boolean exists() {
        try (Connection admin = PgConnections.open(config, "admin")) {
            return SlotOrigin.exists(admin, config.slotName());
        } catch (SQLException | DatabaseException failure) {
            SQLException e = DatabaseException.sqlCauseOf(failure);
            throw FailureClassifier.classify("cannot look for slot " + config.slotName(), e);
        }
    }

    /**
     * Checks what capture needs, installs its part of the flux schema, then creates or completes
     * the publication and creates the slot where it is missing ({@link SlotOrigin}); returns the
     * highest mutation record id streamed before where streaming resumes ({@link ResumePosition}).
     */
    long prepare() {
        StartTimeline start = status.start;
        try (Connection admin = PgConnections.open(config, "admin")) {
            Prerequisites.check(admin, config.slotName());
            SlotRelease.release(admin, config.slotName(), SLOT_RELEASE_GRACE); // a leftover of a stuck stop
            start.mark("prerequisites");
            CaptureSchema.install(admin);
            start.mark("capture schema");
            publications.syncAtStart(admin);
            start.mark("publication");
            SlotOrigin.createIfMissing(config, admin);
            start.mark("slot");
            refresh(admin);
            ResumePosition.behindSlot(admin, config.slotName()).ifPresent(behind -> {
                log.warn("capture {}: {}", config.slotName(), behind);
                status.lastError.set(behind); // shown by the status until something else goes wrong
            });
            long streamedUpTo = ResumePosition.streamedUpTo(admin, config.slotName(), ChangeStreamHandler.STREAMED_UP_TO);
            start.mark("resume position");
            return streamedUpTo;
        } catch (SQLException | DatabaseException failure) {
            SQLException e = DatabaseException.sqlCauseOf(failure);
            throw FailureClassifier.classify("cannot prepare publication " + config.publicationName(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CaptureException.Retriable("interrupted while freeing slot " + config.slotName(), e);
        }
    }

    /** The slot's lag to the status, and the next transaction id to the cross-check's reference. */
    void refresh(Connection c) throws SQLException {
        SlotMonitor.Reading reading = slotMonitor.read(c);
        status.slotLagBytes.set(reading.lagBytes() == null ? -1 : reading.lagBytes());
        transactionIds.updateReference(reading.nextXid8());
    }

    /**
     * After the engine stopped, however it stopped, and while the streamer lock is still held: a walsender left
     * on the slot would make the next start fail for as long as it lives ({@link SlotRelease}). A database that
     * cannot be reached is left to the next start, which frees the slot before starting the engine.
     */
    void free() {
        try (Connection admin = PgConnections.open(config, "admin")) {
            if (!SlotRelease.release(admin, config.slotName(), SLOT_RELEASE_GRACE)) {
                log.warn("capture {}: the slot's walsender did not exit when terminated", config.slotName());
            }
        } catch (SQLException | DatabaseException failure) {
            SQLException e = DatabaseException.sqlCauseOf(failure);
            log.debug("capture {}: cannot check that the slot is free: {}", config.slotName(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package flux.capture;

/**
 * Life cycle of a {@link CapturePipeline}. Changed only by compare-and-set (see
 * {@code CaptureStateMachine#transition}), and every change is logged. STOPPED is final; FAILED and
 * STOPPING lead only towards it.
 */
public enum CaptureState {
    /** Built, not started. */
    CREATED,
    /** Another instance holds the slot's advisory lock; this one waits to take over. */
    STANDBY,
    /** Holds the lock; preparing the publication and starting the Debezium engine. */
    STARTING,
    /** Reading the WAL and publishing to Kafka. */
    STREAMING,
    /** Kafka does not acknowledge: retrying the same batch; the slot holds the WAL meanwhile. */
    WAITING_FOR_KAFKA,
    /** A retriable failure (lost connection, PostgreSQL restarting): starting over after a pause. */
    RECOVERING,
    /**
     * A permanent failure (see {@link CaptureException.Permanent}): capture stopped and does not
     * retry; {@code status().failure()} says why and since when. Left only by {@code close()}.
     */
    FAILED,
    /** close() was called. */
    STOPPING,
    /** Final. */
    STOPPED
}

package flux.capture;

/**
 * Life cycle of a {@link CapturePipeline}. Changed only by compare-and-set (see
 * {@code CapturePipeline#transition}), and every change is logged.
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
    /** The engine or the database connection failed; restarting after a pause. */
    RECOVERING,
    /** close() was called. */
    STOPPING,
    /** Final. */
    STOPPED
}

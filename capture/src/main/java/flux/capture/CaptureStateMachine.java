package flux.capture;

import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life cycle of one {@link CapturePipeline}, kept in its {@link CaptureStatus#state}: every change
 * by compare-and-set and logged {@code from -> to}. Called from any of the pipeline's threads
 * (the caller of prepare and close, the supervisor, Kafka's stall listener, Debezium's callback).
 */
final class CaptureStateMachine {
    /** The pipeline's logger: the life cycle logs as it did when this lived in the pipeline. */
    private static final Logger log = LoggerFactory.getLogger(CapturePipeline.class);

    private final String slotName;
    private final CaptureStatus status;

    CaptureStateMachine(String slotName, CaptureStatus status) {
        this.slotName = slotName;
        this.status = status;
    }

    /** Compare-and-set, logged: the Debezium way of changing engine state. */
    boolean transition(CaptureState from, CaptureState to) {
        if (status.state.compareAndSet(from, to)) {
            log.info("capture {}: {} -> {}", slotName, from, to);
            return true;
        }
        return false;
    }

    /** Moves to {@code to} from whatever state the life cycle allows it from (see {@link #leads}). */
    void moveTo(CaptureState to) {
        while (true) {
            CaptureState current = status.state.get();
            if (current == to || !leads(current, to)) {
                return;
            }
            if (transition(current, to)) {
                return;
            }
        }
    }

    /** Stops for good: the reason first, so whoever sees FAILED finds it. */
    void fail(CaptureException.Permanent failure) {
        status.failure.set(new CaptureStatus.Failure(failure.getMessage(), Instant.now()));
        log.error("capture {}: {}; not retrying: fix it and restart capture", slotName, failure.getMessage());
        moveTo(CaptureState.FAILED);
    }

    /** STOPPED is final; STOPPING leads only to STOPPED, FAILED only to STOPPING (close()). */
    static boolean leads(CaptureState from, CaptureState to) {
        return switch (from) {
            case STOPPED -> false;
            case STOPPING -> to == CaptureState.STOPPED;
            case FAILED -> to == CaptureState.STOPPING;
            case CREATED, STANDBY, STARTING, STREAMING, WAITING_FOR_KAFKA, RECOVERING -> true;
        };
    }
}

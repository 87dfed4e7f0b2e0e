package flux.capture;

/**
 * The one unchecked root of capture's errors, in two kinds, decided once where a failure
 * enters capture ({@link FailureClassifier}, or the code that detects it) and never changed on
 * the way up:
 * <ul>
 *   <li>{@link Retriable}: the database or Kafka is away for a while (a lost connection,
 *       PostgreSQL restarting, Kafka unreachable). The pipeline starts over after a pause, for
 *       as long as it takes; offsets cover only what Kafka acknowledged, so nothing is lost.
 *   <li>{@link Permanent}: waiting cannot help (an invalid setting, {@code wal_level} not
 *       {@code logical}, a role without REPLICATION or without the right to create the
 *       publication, a slot dropped while offsets of it are stored, Kafka refusing a topic).
 *       The pipeline stops retrying and enters {@link CaptureState#FAILED}, with the message as
 *       the reason an operator reads: it names the thing and what to change.
 * </ul>
 * Anything not known to be permanent is retriable: a wrong "permanent" stops capture for good,
 * a wrong "retriable" only retries.
 */
public abstract sealed class CaptureException extends RuntimeException
        permits CaptureException.Retriable, CaptureException.Permanent {

    private CaptureException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Heals by waiting: capture starts over after a pause. */
    public static final class Retriable extends CaptureException {
        public Retriable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Needs an operator: capture stops retrying ({@link CaptureState#FAILED}). */
    public static final class Permanent extends CaptureException {
        public Permanent(String message) {
            super(message, null);
        }

        public Permanent(String message, Throwable cause) {
            super(message, cause);
        }
    }
}

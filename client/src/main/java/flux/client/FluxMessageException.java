package flux.client;

/** A Kafka message that is not one Flux sends: not JSON, or without a field its kind always has. */
public final class FluxMessageException extends RuntimeException {
    public FluxMessageException(String message) {
        super(message);
    }

    public FluxMessageException(String message, Throwable cause) {
        super(message, cause);
    }
}

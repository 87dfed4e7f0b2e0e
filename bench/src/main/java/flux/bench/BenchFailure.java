package flux.bench;

/** A benchmark could not run or could not measure (a service did not start, a drain never finished); the message says which. */
final class BenchFailure extends RuntimeException {
    BenchFailure(String message) {
        super(message);
    }

    BenchFailure(String message, Throwable cause) {
        super(message, cause);
    }
}

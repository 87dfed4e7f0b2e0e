package flux.query.mutation;

import flux.query.model.Operation;

/** The log's name for what a query's write does. */
public final class LoggedOperation {
    private LoggedOperation() {
    }

    /** The operation a write of {@code operation} records; a select records nothing. */
    public static flux.log.Operation of(Operation operation) {
        return switch (operation) {
            case INSERT -> flux.log.Operation.INSERT;
            case UPDATE -> flux.log.Operation.UPDATE;
            case DELETE -> flux.log.Operation.DELETE;
            case SELECT -> throw new IllegalArgumentException("a select writes no mutation record");
        };
    }
}

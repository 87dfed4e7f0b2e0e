package flux.query;

/**
 * Receives every statement the engine runs. The engine calls it synchronously on the request
 * thread, after each statement (failed ones too), so an implementation must be cheap: no I/O,
 * no blocking, no locks held for long, and it must never throw (a failure of observability
 * must not fail a query). Hand work off to bounded structures and do it elsewhere.
 */
public interface QueryObserver {
    /** A statement finished. {@code trace} is never null. */
    void onQuery(QueryTrace trace);

    /**
     * The request (one {@code /v1/query} or {@code /v1/transaction}) is over: no more statements
     * will carry this id. Lets per-request analysis (N+1) conclude without waiting for a timeout.
     */
    default void onRequestEnd(String requestId) {
    }
}

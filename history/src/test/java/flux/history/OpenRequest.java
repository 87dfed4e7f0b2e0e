package flux.history;

import flux.query.QueryEngine;
import flux.query.model.Query;
import flux.query.model.RequestId;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * An engine transaction held open on a thread of its own after its write: it has taken its
 * mutation record's id and not committed. The test then ends it with {@link #commit()} or
 * {@link #abort()} (the caller's code fails, so the engine rolls back and records the attempt).
 */
final class OpenRequest implements AutoCloseable {
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private final CountDownLatch written = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final CompletableFuture<Void> done;
    private volatile boolean abort;

    private OpenRequest(QueryEngine engine, String requestId, Query write) {
        done = CompletableFuture.runAsync(() -> engine.transaction(RequestId.of(requestId), tx -> {
            tx.query(write);
            written.countDown();
            if (!awaitRelease()) {
                throw new IllegalStateException("request " + requestId + " was never released");
            }
            if (abort) {
                throw new IllegalStateException("request " + requestId + " aborted by the test");
            }
        }));
    }

    private boolean awaitRelease() {
        try {
            return release.await(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Starts the request and returns once its write ran (its transaction is then open). */
    static OpenRequest start(QueryEngine engine, String requestId, Query write) throws Exception {
        OpenRequest open = new OpenRequest(engine, requestId, write);
        if (!open.written.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)) {
            open.done.get(1, TimeUnit.SECONDS); // its failure, if it failed
            throw new AssertionError("request " + requestId + " did not write within " + PATIENCE);
        }
        return open;
    }

    void commit() throws Exception {
        release.countDown();
        done.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    }

    /** Makes the caller's code fail: the engine rolls back, then records the write as an attempt. */
    void abort() throws Exception {
        abort = true;
        release.countDown();
        try {
            done.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            throw new AssertionError("the aborted request committed");
        } catch (java.util.concurrent.ExecutionException expected) {
            // the body's failure, rethrown by the engine after the rollback
        }
    }

    /** Ends a request the test left open (a failed assertion): rolls it back. */
    @Override
    public void close() throws Exception {
        if (!done.isDone()) {
            abort();
        }
    }
}

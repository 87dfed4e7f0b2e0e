package flux.capture;

import flux.query.DatabaseFailure;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Inserts rows 1..total through the engine in transactions of {@code perTransaction} rows on its
 * own thread, counting committed rows; a transaction that failed because the database was
 * disturbed on purpose is retried, so in the end every id is committed exactly once.
 */
final class LoadWriter implements AutoCloseable {
    private final EngineWrites writes;
    private final String table;
    private final int first;
    private final int total;
    private final int perTransaction;
    private final AtomicLong committed = new AtomicLong();
    private final Thread thread;
    private volatile Throwable failure;

    LoadWriter(EngineWrites writes, String table, int total, int perTransaction) {
        this(writes, table, 1, total, perTransaction);
    }

    /** Writes ids {@code first} to {@code first + total - 1}. */
    LoadWriter(EngineWrites writes, String table, int first, int total, int perTransaction) {
        this.writes = writes;
        this.table = table;
        this.first = first;
        this.total = total;
        this.perTransaction = perTransaction;
        this.thread = new Thread(this::run, "load-" + table);
    }

    LoadWriter start() {
        thread.start();
        return this;
    }

    long committed() {
        return committed.get();
    }

    void await() throws Exception {
        thread.join();
        if (failure != null) {
            throw new AssertionError("load writer failed", failure);
        }
    }

    private void run() {
        int next = first;
        int last = first + total - 1;
        int failures = 0;
        try {
            while (next <= last) {
                int from = next;
                int to = Math.min(last, from + perTransaction - 1);
                try {
                    writes.insertAll("load-" + from, table, from, to);
                    committed.addAndGet(to - from + 1);
                    next = to + 1;
                } catch (DatabaseFailure e) {
                    if (++failures > 20) {
                        throw e;
                    }
                    Thread.sleep(100); // the database was disturbed on purpose: try this transaction again
                }
            }
        } catch (Throwable t) {
            failure = t;
        }
    }

    /** Waits for the writer to end (it stops by itself once every row is written). */
    @Override
    public void close() throws InterruptedException {
        thread.join(120_000);
    }
}

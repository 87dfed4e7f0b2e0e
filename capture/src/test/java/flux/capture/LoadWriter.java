package flux.capture;

import flux.dev.testing.TestPostgres;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Inserts rows 1..total API-style in transactions of {@code perTransaction} rows on its own
 * thread, counting committed rows; a failed transaction (the database was disturbed on
 * purpose) is retried, so in the end every id is committed exactly once.
 */
final class LoadWriter implements AutoCloseable {
    private final ApiWrites.Connector db;
    private final String table;
    private final int first;
    private final int total;
    private final int perTransaction;
    private final AtomicLong committed = new AtomicLong();
    private final Thread thread;
    private volatile Throwable failure;

    LoadWriter(TestPostgres db, String table, int total, int perTransaction) {
        this((ApiWrites.Connector) db::connect, table, total, perTransaction);
    }

    LoadWriter(ApiWrites.Connector db, String table, int total, int perTransaction) {
        this(db, table, 1, total, perTransaction);
    }

    /** Writes ids {@code first} to {@code first + total - 1}. */
    LoadWriter(ApiWrites.Connector db, String table, int first, int total, int perTransaction) {
        this.db = db;
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
        ApiWrites w = null;
        try {
            while (next <= last) {
                int from = next;
                int to = Math.min(last, from + perTransaction - 1);
                try {
                    if (w == null) {
                        w = new ApiWrites(db);
                    }
                    w.transaction("load-" + from, x -> {
                        for (int id = from; id <= to; id++) {
                            x.insert(table, id, "owner" + id, "1.00");
                        }
                    });
                    committed.addAndGet(to - from + 1);
                    next = to + 1;
                } catch (SQLException e) {
                    if (++failures > 20) {
                        throw e;
                    }
                    closeQuietly(w);
                    w = null;
                    Thread.sleep(100);
                }
            }
        } catch (Throwable t) {
            failure = t;
        } finally {
            closeQuietly(w);
        }
    }

    private static void closeQuietly(ApiWrites w) {
        if (w != null) {
            try {
                w.close();
            } catch (SQLException ignored) {
                // connection broken
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        thread.join(120_000);
    }
}

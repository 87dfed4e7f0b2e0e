package flux.app.history;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writers at once on a few hot rows of {@code accounts (id int PRIMARY KEY, plan text NOT NULL, n int
 * NOT NULL, note text)}, each from its own seeded {@link Random}: API single writes, API transactions
 * of several writes that fail at a chosen write (an insert of a fresh key without {@code plan}),
 * raw SQL inserts, updates, deletes, updates of many rows and transactions (some rolled back by the
 * client), primary-key changes by the API and by raw SQL, and extra writers on row 1. Which write
 * wins a row is up to PostgreSQL; {@link Oracle} records what happened. Failures that a write does not
 * ask for (a duplicate key, a deadlock between writers) are part of the mix: they are counted, and
 * only the planned failures are expected in history.
 */
final class InterleavedWrites {
    /** Hot rows are 1 to {@value}; a key change moves row k to k + 100 and back. */
    static final int ROWS = 20;
    private static final String[] PLANS = {"free", "pro", "team"};

    /** An API request made to fail by its insert of {@code freshKey} without a plan (23502). */
    record PlannedFailure(String requestId, int freshKey) {
    }

    private final CapturedServer flux;
    private final long seed;
    private final int operations;
    private final AtomicInteger started = new AtomicInteger();
    private final AtomicInteger completed = new AtomicInteger();
    private final AtomicInteger freshKeys = new AtomicInteger(10_000);
    private final AtomicInteger unplannedFailures = new AtomicInteger();
    private final Queue<PlannedFailure> plannedFailures = new ConcurrentLinkedQueue<>();

    InterleavedWrites(CapturedServer flux, long seed, int operations) {
        this.flux = flux;
        this.seed = seed;
        this.operations = operations;
    }

    /** Runs {@code writers} threads until the operations are used up; rethrows what a writer threw. */
    void run(int writers) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                running.add(pool.submit(() -> {
                    write(writer, new Random(seed * 1_000_003L + writer));
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    int completed() {
        return completed.get();
    }

    int unplannedFailures() {
        return unplannedFailures.get();
    }

    List<PlannedFailure> plannedFailures() {
        return List.copyOf(plannedFailures);
    }

    private void write(int writer, Random r) throws Exception {
        try (Connection raw = flux.connect()) {
            int op;
            while ((op = started.getAndIncrement()) < operations) {
                String request = "w" + writer + "-" + op;
                int pick = r.nextInt(100);
                if (pick < 26) {
                    apiWrite(r, request, key(r));
                } else if (pick < 40) {
                    apiTransaction(r, request);
                } else if (pick < 62) {
                    rawWrite(r, raw, key(r));
                } else if (pick < 68) {
                    raw(raw, "UPDATE accounts SET n = n + 1 WHERE id BETWEEN " + (1 + r.nextInt(ROWS)) + " AND "
                            + (ROWS + 100));
                } else if (pick < 76) {
                    rawTransaction(r, raw);
                } else if (pick < 80) {
                    int from = key(r);
                    api(request, "/v1/query", "{\"table\": \"accounts\", \"operation\": \"update\", \"data\": {\"id\": "
                            + moved(from) + "}, \"filters\": [" + keyFilter(from) + "]}");
                } else if (pick < 84) {
                    int from = key(r);
                    raw(raw, "UPDATE accounts SET id = " + moved(from) + " WHERE id = " + from);
                } else {
                    apiWrite(r, request, 1); // more writers on one row
                }
                completed.incrementAndGet();
            }
        }
    }

    private void apiWrite(Random r, String request, int key) throws Exception {
        int kind = r.nextInt(100);
        if (kind < 10) {
            api(request, "/v1/query", "{\"table\": \"accounts\", \"operation\": \"insert\", \"data\": "
                    + values(r, key, true) + "}");
        } else if (kind < 17) {
            api(request, "/v1/query", "{\"table\": \"accounts\", \"operation\": \"delete\", \"filters\": ["
                    + keyFilter(key) + "]}");
        } else {
            api(request, "/v1/query", update(r, key));
        }
    }

    /**
     * Two or three updates of distinct rows (in key order, so API transactions never deadlock each
     * other), or fewer when one of them is replaced by the planned failure: the writes after it never run.
     */
    private void apiTransaction(Random r, String request) throws Exception {
        TreeSet<Integer> keys = new TreeSet<>();
        int size = 2 + r.nextInt(2);
        while (keys.size() < size) {
            keys.add(key(r));
        }
        int failAt = r.nextInt(100) < 35 ? r.nextInt(size) : -1;
        List<String> queries = new ArrayList<>();
        int fresh = -1;
        for (int key : keys) {
            if (queries.size() == failAt) {
                fresh = freshKeys.incrementAndGet();
                queries.add("{\"table\": \"accounts\", \"operation\": \"insert\", \"data\": {\"id\": " + fresh
                        + ", \"plan\": null, \"n\": 0}}");
                break;
            }
            queries.add(update(r, key));
        }
        CapturedServer.Answer answer = flux.post("/v1/transaction", "{\"queries\": [" + String.join(", ", queries)
                + "]}", request);
        if (answer.status() != 200 && "23502".equals(answer.body().path("sqlstate").asText()) && fresh > 0) {
            plannedFailures.add(new PlannedFailure(request, fresh));
        } else if (answer.status() != 200) {
            unplannedFailures.incrementAndGet();
        }
    }

    private void rawWrite(Random r, Connection raw, int key) {
        int kind = r.nextInt(100);
        String values = "'" + PLANS[r.nextInt(PLANS.length)] + "', " + r.nextInt(1000);
        if (kind < 12) {
            raw(raw, "INSERT INTO accounts (id, plan, n) VALUES (" + key + ", " + values + ")");
        } else if (kind < 20) {
            raw(raw, "DELETE FROM accounts WHERE id = " + key);
        } else {
            raw(raw, "UPDATE accounts SET (plan, n) = (" + values + ") WHERE id = " + key);
        }
    }

    /** Two raw updates in one transaction; one in five rolled back by the client (nothing may be recorded). */
    private void rawTransaction(Random r, Connection raw) throws SQLException {
        boolean rollback = r.nextInt(5) == 0;
        raw.setAutoCommit(false);
        try (Statement st = raw.createStatement()) {
            st.execute("UPDATE accounts SET n = n + 10 WHERE id = " + key(r));
            st.execute("UPDATE accounts SET note = 'tx " + r.nextInt(1000) + "' WHERE id = " + key(r));
            if (rollback) {
                raw.rollback();
            } else {
                raw.commit();
            }
        } catch (SQLException e) {
            raw.rollback(); // a deadlock or a duplicate: part of the mix
            unplannedFailures.incrementAndGet();
        } finally {
            raw.setAutoCommit(true);
        }
    }

    private void api(String request, String path, String body) throws Exception {
        if (flux.post(path, body, request).status() != 200) {
            unplannedFailures.incrementAndGet();
        }
    }

    private void raw(Connection raw, String sql) {
        try (Statement st = raw.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            unplannedFailures.incrementAndGet();
        }
    }

    private String update(Random r, int key) {
        return "{\"table\": \"accounts\", \"operation\": \"update\", \"data\": " + values(r, key, false)
                + ", \"filters\": [" + keyFilter(key) + "]}";
    }

    /** All columns for an insert; for an update a new {@code n} and sometimes a plan or a note. */
    private static String values(Random r, int key, boolean all) {
        List<String> v = new ArrayList<>();
        if (all) {
            v.add("\"id\": " + key);
        }
        if (all || r.nextInt(3) == 0) {
            v.add("\"plan\": \"" + PLANS[r.nextInt(PLANS.length)] + "\"");
        }
        v.add("\"n\": " + r.nextInt(1000));
        if (all || r.nextInt(4) == 0) {
            v.add("\"note\": " + (r.nextInt(3) == 0 ? "null" : "\"note " + r.nextInt(1000) + "\""));
        }
        return "{" + String.join(", ", v) + "}";
    }

    private static String keyFilter(int key) {
        return "{\"column\": \"id\", \"op\": \"eq\", \"value\": " + key + "}";
    }

    /** A hot row's key, or its moved counterpart. */
    private static int key(Random r) {
        int k = 1 + r.nextInt(ROWS);
        return r.nextInt(4) == 0 ? k + 100 : k;
    }

    private static int moved(int key) {
        return key > 100 ? key - 100 : key + 100;
    }
}

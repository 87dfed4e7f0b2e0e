package flux.bench.crash;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Sustained writes from many clients, each over its own keep-alive connection, every request
 * tagged with its own {@code X-Request-Id} and recorded with its outcome. Each client owns its
 * rows ({@code id = client * 10^9 + n}), so what each row must hold afterwards follows from the
 * client's own requests: inserts of new rows, updates of rows whose insert was acknowledged
 * (so they exist), and transactions of two inserts and an update (all or nothing). A client
 * whose request fails waits a little before the next one (the server may be down for seconds).
 */
final class Workload implements AutoCloseable {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final URI query;
    private final URI transaction;
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final ConcurrentLinkedQueue<Attempt> attempts;
    private volatile String phase = "start";

    /** Clients {@code firstClient} to {@code firstClient + clients - 1}: each run of a workload writes rows of its own. */
    Workload(String baseUrl, int clients, int firstClient, long seed, ConcurrentLinkedQueue<Attempt> attempts) {
        this.query = URI.create(baseUrl + "/v1/query");
        this.transaction = URI.create(baseUrl + "/v1/transaction");
        this.attempts = attempts;
        for (int c = firstClient; c < firstClient + clients; c++) {
            Client client = new Client(c, new SplittableRandom(seed * 1_000_003L + c));
            Thread t = new Thread(client::run, "crash-client-" + c);
            t.setDaemon(true);
            threads.add(t);
        }
    }

    void start() {
        threads.forEach(Thread::start);
    }

    /** Labels the attempts sent from now on (e.g. "before kill", "while down"). */
    void phase(String label) {
        phase = label;
    }

    /** Stops every client after its current request and waits for them. */
    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        for (Thread t : threads) {
            t.join(TIMEOUT.toMillis() + 10_000);
        }
        if (failure.get() != null) {
            throw new IllegalStateException("a workload client failed: " + failure.get(), failure.get());
        }
    }

    private final class Client {
        private final int client;
        private final SplittableRandom random;
        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        private final List<Long> acknowledged = new ArrayList<>();
        private long next;
        private int seq;

        Client(int client, SplittableRandom random) {
            this.client = client;
            this.random = random;
        }

        void run() {
            try {
                while (!stop.get()) {
                    Attempt a = send();
                    attempts.add(a);
                    if (a.outcome() == Attempt.Outcome.ACKNOWLEDGED) {
                        a.rows().stream().filter(r -> r.operation().equals("INSERT")).forEach(r -> acknowledged.add(r.id()));
                    } else {
                        Thread.sleep(100); // back off: the server or its database may be down for a while
                    }
                }
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        }

        private long newId() {
            return client * 1_000_000_000L + (++next);
        }

        private Attempt send() throws InterruptedException {
            String requestId = "crash-" + client + "-" + (seq + 1);
            int s = ++seq;
            int dice = random.nextInt(10);
            List<Attempt.RowWrite> rows = new ArrayList<>();
            String body;
            String kind;
            URI uri;
            if (acknowledged.isEmpty() || dice < 4) {
                long id = newId();
                rows.add(new Attempt.RowWrite(id, "INSERT", s));
                kind = "insert";
                uri = query;
                body = insert(id, s, requestId);
            } else if (dice < 7) {
                long id = acknowledged.get(random.nextInt(acknowledged.size()));
                rows.add(new Attempt.RowWrite(id, "UPDATE", s));
                kind = "update";
                uri = query;
                body = update(id, s, requestId);
            } else {
                long a = newId();
                long b = newId();
                long u = acknowledged.get(random.nextInt(acknowledged.size()));
                rows.add(new Attempt.RowWrite(a, "INSERT", s));
                rows.add(new Attempt.RowWrite(b, "INSERT", s));
                rows.add(new Attempt.RowWrite(u, "UPDATE", s));
                kind = "transaction";
                uri = transaction;
                body = "{\"queries\":[" + insert(a, s, requestId) + "," + insert(b, s, requestId) + ","
                        + update(u, s, requestId) + "]}";
            }
            String label = phase;
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(TIMEOUT)
                    .header("Content-Type", "application/json").header("X-Request-Id", requestId)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            try {
                HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
                return new Attempt(requestId, kind, Collections.unmodifiableList(rows),
                        answer.statusCode() == 200 ? Attempt.Outcome.ACKNOWLEDGED : Attempt.Outcome.ERROR,
                        answer.statusCode(), label);
            } catch (ConnectException | HttpConnectTimeoutException notSent) {
                return new Attempt(requestId, kind, rows, Attempt.Outcome.NOT_SENT, 0, label);
            } catch (IOException answerLost) {
                return new Attempt(requestId, kind, rows, Attempt.Outcome.LOST, 0, label);
            }
        }

        private String insert(long id, int s, String requestId) {
            return "{\"table\":\"crash_rows\",\"operation\":\"insert\",\"data\":{\"id\":" + id + ",\"client\":" + client
                    + ",\"seq\":" + s + ",\"note\":\"" + requestId + "\"}}";
        }

        private String update(long id, int s, String requestId) {
            return "{\"table\":\"crash_rows\",\"operation\":\"update\",\"data\":{\"seq\":" + s + ",\"note\":\"" + requestId
                    + "\"},\"filters\":[{\"column\":\"id\",\"op\":\"eq\",\"value\":" + id + "}]}";
        }
    }
}

package flux.bench;

import flux.bench.crash.FluxServeProcess;
import flux.dev.Ports;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Many keep-alive clients against {@code flux serve} on the embedded default (the packaged jar in a
 * process of its own, its own PostgreSQL and Kafka in a temporary directory), mixing reads and
 * writes on one table: a select of one row by key or of a page of ten, an insert of a new row,
 * an update of a random existing row. Every answer's status is counted; a 5xx is a failure of
 * the server's promise, not of the bench, so it is counted rather than thrown.
 */
final class LoadRun {
    static final String TABLE = "load_rows";
    private static final String DDL = "CREATE TABLE " + TABLE
            + " (id bigint PRIMARY KEY, owner int NOT NULL, amount numeric(12,2) NOT NULL, note text);\n";

    record Settings(Path jar, Path dir, int clients, double warmupSeconds, double seconds, int readPercent, int rows) {
    }

    /** The measured window's figures; {@code statuses} counts every answer by HTTP status. */
    record Result(LoadRunner.Cell cell, long reads, long inserts, long updates, Map<Integer, Long> statuses,
                  String loadBefore, String loadAfter, String cpuBusy) {
        long fiveXx() {
            return statuses.entrySet().stream().filter(e -> e.getKey() >= 500).mapToLong(Map.Entry::getValue).sum();
        }

        long notOk() {
            return statuses.entrySet().stream().filter(e -> e.getKey() != 200).mapToLong(Map.Entry::getValue).sum();
        }
    }

    private LoadRun() {
    }

    static Result run(Settings s) throws Exception {
        Path serverDir = s.dir().resolve("flux");
        Files.createDirectories(serverDir.resolve("schema"));
        Files.writeString(serverDir.resolve("schema/001_load_rows.sql"), DDL);
        int port = Ports.findFree();
        try (FluxServeProcess flux = FluxServeProcess.start(s.jar(), serverDir, Map.of(), Duration.ofMinutes(3),
                "--port", Integer.toString(port), "--pg-port", Integer.toString(Ports.findFree()),
                "--kafka-port", Integer.toString(Ports.findFreePair()))) {
            preload(port, s.rows());
            return measure(s, port);
        }
    }

    private static void preload(int port, int rows) throws IOException {
        try (LeanHttpClient http = new LeanHttpClient("127.0.0.1", port)) {
            for (int from = 1; from <= rows; from += 500) {
                StringBuilder body = new StringBuilder("{\"table\":\"" + TABLE + "\",\"operation\":\"insert\",\"data\":[");
                for (int id = from; id < Math.min(rows + 1, from + 500); id++) {
                    body.append(id == from ? "" : ",").append(row(id));
                }
                LeanHttpClient.Response r = http.post("/v1/query", body.append("]}").toString());
                if (r.status() != 200) {
                    throw new BenchFailure("preloading " + TABLE + " failed: HTTP " + r.status() + " " + r.body());
                }
            }
        }
    }

    private static String row(long id) {
        return "{\"id\":" + id + ",\"owner\":" + (id % 100) + ",\"amount\":" + (id % 10_000) / 100.0 + ",\"note\":\"row " + id + "\"}";
    }

    private static Result measure(Settings s, int port) throws InterruptedException {
        List<LeanHttpClient> opened = new CopyOnWriteArrayList<>();
        ThreadLocal<LeanHttpClient> clients = ThreadLocal.withInitial(() -> {
            LeanHttpClient c = new LeanHttpClient("127.0.0.1", port);
            opened.add(c);
            return c;
        });
        ThreadLocal<SplittableRandom> randoms = ThreadLocal.withInitial(() -> new SplittableRandom(Thread.currentThread().getId()));
        AtomicLong nextId = new AtomicLong(s.rows());
        Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
        LongAdder reads = new LongAdder();
        LongAdder inserts = new LongAdder();
        LongAdder updates = new LongAdder();
        String loadBefore = MachineMeters.loadAverage();
        long[] ticks = MachineMeters.machineTicks();
        LoadRunner.Cell cell;
        try {
            cell = LoadRunner.run(s.clients(), s.warmupSeconds(), s.seconds(), (client, n) -> {
                SplittableRandom random = randoms.get();
                int dice = random.nextInt(100);
                String body;
                if (dice < s.readPercent()) {
                    long id = 1 + random.nextLong(s.rows());
                    body = dice % 2 == 0
                            ? "{\"table\":\"" + TABLE + "\",\"operation\":\"select\",\"filters\":[{\"column\":\"id\",\"op\":\"eq\",\"value\":" + id + "}]}"
                            : "{\"table\":\"" + TABLE + "\",\"operation\":\"select\",\"filters\":[{\"column\":\"id\",\"op\":\"gte\",\"value\":"
                            + id + "}],\"order\":[{\"column\":\"id\"}],\"limit\":10}";
                    reads.increment();
                } else if (dice % 2 == 0) {
                    body = "{\"table\":\"" + TABLE + "\",\"operation\":\"insert\",\"data\":" + row(nextId.incrementAndGet()) + "}";
                    inserts.increment();
                } else {
                    body = "{\"table\":\"" + TABLE + "\",\"operation\":\"update\",\"data\":{\"amount\":" + random.nextInt(10_000)
                            + ",\"note\":\"updated\"},\"filters\":[{\"column\":\"id\",\"op\":\"eq\",\"value\":"
                            + (1 + random.nextLong(s.rows())) + "}]}";
                    updates.increment();
                }
                statuses.computeIfAbsent(clients.get().post("/v1/query", body).status(), k -> new LongAdder()).increment();
            });
        } finally {
            opened.forEach(LeanHttpClient::close);
        }
        Map<Integer, Long> counted = new TreeMap<>();
        statuses.forEach((k, v) -> counted.put(k, v.sum()));
        return new Result(cell, reads.sum(), inserts.sum(), updates.sum(), counted, loadBefore, MachineMeters.loadAverage(),
                MachineMeters.busySince(ticks));
    }
}

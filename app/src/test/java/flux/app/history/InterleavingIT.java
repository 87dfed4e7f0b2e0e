package flux.app.history;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestKafka;
import flux.dev.testing.TestPostgres;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 18's randomized test, against a real server, capture and PostgreSQL: four writers at once
 * on twenty rows ({@link InterleavedWrites}: API writes and transactions, some failing at a chosen
 * write, raw SQL of every kind, key changes, several writers on one row), with capture stopped for
 * the middle third of the run and restarted; then every row's history, blame and as-of are checked
 * against what PostgreSQL saw happen ({@link Oracle}, {@link TimelineCheck}), every planned
 * rolled-back attempt is looked for, and the cross-check must have paired every API write.
 *
 * <p>Seeded: {@code -Dflux.test.seed=N} replays a run's operations (the interleaving is the
 * machine's); a failure names its seed. {@code -Dflux.interleaving.operations=N} sets the size
 * (default {@value #DEFAULT_OPERATIONS}; BENCHMARKS.md reports a run of 100,000).
 */
@ExtendWith(FluxTestInfra.class)
class InterleavingIT {
    private static final Logger log = LoggerFactory.getLogger(InterleavingIT.class);
    private static final int DEFAULT_OPERATIONS = 400;
    private static final int WRITERS = 4;
    private final TestPostgres pg;
    private final TestKafka kafka;

    InterleavingIT(TestPostgres pg, TestKafka kafka) {
        this.pg = pg;
        this.kafka = kafka;
    }

    @Test
    @Timeout(value = 6, unit = java.util.concurrent.TimeUnit.HOURS) // the bounded default takes a minute or two
    void everyRowsHistoryIsItsChangesInCommitOrderWhateverWroteThem() throws Exception {
        long seed = Long.getLong("flux.test.seed", ThreadLocalRandom.current().nextLong());
        int operations = Integer.getInteger("flux.interleaving.operations", DEFAULT_OPERATIONS);
        log.info("interleaving: seed {}, {} operations, {} writers", seed, operations, WRITERS);
        try {
            run(seed, operations);
        } catch (AssertionError | Exception e) {
            throw new AssertionError("interleaving failed with seed " + seed + " (replay: -Dflux.test.seed=" + seed
                    + " -Dflux.interleaving.operations=" + operations + "): " + e.getMessage(), e);
        }
    }

    private void run(long seed, int operations) throws Exception {
        String[] ddl = new String[Oracle.DDL.length + 1];
        ddl[0] = "CREATE TABLE accounts (id int PRIMARY KEY, plan text NOT NULL, n int NOT NULL, note text)";
        System.arraycopy(Oracle.DDL, 0, ddl, 1, Oracle.DDL.length);
        try (CapturedServer flux = new CapturedServer(pg, kafka, "interleaving", ddl)) {
            flux.sql("INSERT INTO accounts SELECT g, 'free', 0, NULL FROM generate_series(1, " + InterleavedWrites.ROWS + ") g");
            InterleavedWrites writes = new InterleavedWrites(flux, seed, operations);
            Thread restart = new Thread(() -> restartCaptureMidway(flux, writes, operations), "capture-restart");
            restart.start();
            long started = System.nanoTime();
            writes.run(WRITERS);
            restart.join();
            flux.awaitCaptured();
            log.info("interleaving: {} operations in {} s ({} failed unplanned, {} planned failures); checking",
                    operations, (System.nanoTime() - started) / 1_000_000_000L, writes.unplannedFailures(),
                    writes.plannedFailures().size());

            Map<Integer, List<Oracle.Change>> timelines;
            try (Connection c = flux.connect()) {
                timelines = Oracle.timelines(c);
            }
            TimelineCheck check = new TimelineCheck(flux, new Random(seed));
            for (Map.Entry<Integer, List<Oracle.Change>> row : timelines.entrySet()) {
                check.check(row.getKey(), row.getValue());
            }
            for (InterleavedWrites.PlannedFailure failure : writes.plannedFailures()) {
                attemptRecorded(flux, failure);
            }
            assertThat(flux.capture().status().crossCheck().missing()).as("API records without their change").isZero();
            assertThat(flux.capture().status().crossCheck().mismatched()).as("images that differ from the WAL").isZero();
            log.info("interleaving: {} rows checked, {} changes, {} planned rolled-back requests found", timelines.size(),
                    timelines.values().stream().mapToInt(List::size).sum(), writes.plannedFailures().size());
        }
    }

    /** Stops capture a third of the way through the writes and starts it again at two thirds. */
    private static void restartCaptureMidway(CapturedServer flux, InterleavedWrites writes, int operations) {
        Awaitility.await().forever().pollInterval(Duration.ofMillis(20)).until(() -> writes.completed() >= operations / 3);
        flux.stopCapture();
        Awaitility.await().forever().pollInterval(Duration.ofMillis(20))
                .until(() -> writes.completed() >= 2 * operations / 3);
        flux.startCapture();
    }

    /** A planned failure left its attempts, every one rolled back, the fresh key's insert among them. */
    private static void attemptRecorded(CapturedServer flux, InterleavedWrites.PlannedFailure failure) throws Exception {
        CapturedServer.Answer request = flux.get("/v1/requests/" + failure.requestId());
        assertThat(request.status()).as("request %s: %s", failure.requestId(), request.body()).isEqualTo(200);
        JsonNode entries = request.body().get("entries");
        for (JsonNode e : entries) {
            assertThat(e.get("status").asText()).as("request %s: %s", failure.requestId(), e).isEqualTo("rolled_back");
        }
        JsonNode history = flux.get("/v1/state/accounts/" + failure.freshKey() + "/history").body();
        assertThat(history.get("entries")).as("history of fresh key %d", failure.freshKey()).singleElement()
                .satisfies(e -> {
                    assertThat(e.get("request_id").asText()).isEqualTo(failure.requestId());
                    assertThat(e.get("operation").asText()).isEqualTo("INSERT");
                    assertThat(e.get("error").asText()).startsWith("23502");
                });
    }
}

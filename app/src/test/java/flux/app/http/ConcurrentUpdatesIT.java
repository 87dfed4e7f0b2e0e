package flux.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestKafka;
import flux.dev.testing.TestPostgres;
import flux.query.model.JsonCodec;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Fifty writers update one row at once through HTTP, round after round (a fresh row each): their
 * records' images must chain in txid order and in id order. {@code -Dflux.stress.rounds=N} sets
 * the rounds (default {@value #DEFAULT_ROUNDS}; BENCHMARKS.md reports runs of hundreds under CPU
 * load); {@code -Dflux.stress.cold=true} gives every round a fresh server and database, as the
 * first round has (a cold pool, catalog and statements). A failing round prints its records in full.
 */
@ExtendWith(FluxTestInfra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConcurrentUpdatesIT {
    private static final int WRITERS = 50;
    private static final int DEFAULT_ROUNDS = 5;
    private static final String TABLE = "CREATE TABLE counters (id integer PRIMARY KEY, value integer NOT NULL, note text)";
    private final TestPostgres pg;
    private final TestKafka kafka;
    private FluxHttp http;

    ConcurrentUpdatesIT(TestPostgres pg, TestKafka kafka) {
        this.pg = pg;
        this.kafka = kafka;
    }

    @AfterAll
    void close() {
        if (http != null) {
            http.close();
        }
    }

    @Test
    void fiftyConcurrentUpdatesOfOneRowLeaveFiftyRecordsWhoseImagesChainInTxidAndIdOrder() throws Exception {
        int rounds = Integer.getInteger("flux.stress.rounds", DEFAULT_ROUNDS);
        boolean cold = Boolean.getBoolean("flux.stress.cold");
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        try {
            for (int round = 1; round <= rounds; round++) {
                if (http == null || cold) {
                    close();
                    http = new FluxHttp(pg, kafka, "concurrent", TABLE);
                }
                updateConcurrently(pool, round);
                for (String order : new String[] {"m.txid", "m.id"}) {
                    assertChained(round, order);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private void updateConcurrently(ExecutorService pool, int round) throws Exception {
        HttpResponse<String> inserted = http.post("/v1/query", "{\"table\": \"counters\", \"operation\": \"insert\","
                + " \"data\": {\"id\": " + round + ", \"value\": 0, \"note\": \"start\"}}", "X-Request-Id", "start-" + round);
        assertThat(inserted.statusCode()).as(inserted.body()).isEqualTo(200);
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int k = 1; k <= WRITERS; k++) {
            int value = k;
            answers.add(CompletableFuture.supplyAsync(() -> {
                await(start);
                return http.post("/v1/query", "{\"table\": \"counters\", \"operation\": \"update\", \"data\": {\"value\": "
                        + value + ", \"note\": \"writer " + value + "\"}, \"filters\": [{\"column\": \"id\", \"op\": \"eq\","
                        + " \"value\": " + round + "}]}", "X-Request-Id", "r" + round + "-writer-" + value);
            }, pool));
        }
        start.countDown();
        for (CompletableFuture<HttpResponse<String>> a : answers) {
            assertThat(a.get().statusCode()).as(a.get().body()).isEqualTo(200);
        }
    }

    /** Each record's old image is the previous one's new image, in {@code order}; the last one's new image is the row. */
    private void assertChained(int round, String order) {
        // m.txid, not txid: a bare name in ORDER BY means the output column, here the text form,
        // which sorts 1001 before 999 (this test failed whenever the txids crossed a power of ten).
        List<List<String>> log = http.rows("""
                SELECT request_id, old::text, new::text, txid::text, changed_columns::text, id::text,
                       created_at::text FROM flux.state_mutations m
                 WHERE operation = 'UPDATE' AND status = 'committed' AND row_id = '%d' ORDER BY %s""".formatted(round, order));
        String dump = "round " + round + ", records in " + order + " order (request, old, new, txid, changed, id, at):\n"
                + String.join("\n", log.stream().map(String::valueOf).toList());
        assertThat(log).as(dump).hasSize(WRITERS);
        String previous = http.rows("SELECT new::text FROM flux.state_mutations WHERE operation = 'INSERT' AND row_id = '"
                + round + "'").get(0).get(0);
        Set<String> requests = new HashSet<>();
        Set<String> txids = new HashSet<>();
        for (List<String> record : log) {
            assertThat(JsonCodec.parse(record.get(1))).as("old image of " + record.get(0) + "\n" + dump)
                    .isEqualTo(JsonCodec.parse(previous));
            JsonNode after = JsonCodec.parse(record.get(2));
            assertThat(after.get("note").textValue()).isEqualTo("writer " + after.get("value").intValue());
            assertThat(record.get(0)).isEqualTo("r" + round + "-writer-" + after.get("value").intValue());
            assertThat(record.get(4)).isEqualTo("{value,note}");
            requests.add(record.get(0));
            txids.add(record.get(3));
            previous = record.get(2);
        }
        assertThat(requests).hasSize(WRITERS);
        assertThat(txids).hasSize(WRITERS);
        assertThat(http.rows("SELECT row_to_json(c)::jsonb::text FROM counters c WHERE id = " + round).get(0).get(0))
                .as("the last record's new image is the row").isEqualTo(JsonCodec.parse(previous).toString()
                        .replace(",", ", ").replace(":", ": "));
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

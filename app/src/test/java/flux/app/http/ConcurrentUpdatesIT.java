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

@ExtendWith(FluxTestInfra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConcurrentUpdatesIT {
    private static final int WRITERS = 50;
    private final FluxHttp http;

    ConcurrentUpdatesIT(TestPostgres pg, TestKafka kafka) {
        http = new FluxHttp(pg, kafka, "concurrent", "CREATE TABLE counters (id integer PRIMARY KEY, value integer NOT NULL, note text)");
    }

    @AfterAll
    void close() {
        http.close();
    }

    @Test
    void fiftyConcurrentUpdatesOfOneRowLeaveFiftyRecordsWhoseImagesChainInTxidOrder() throws Exception {
        http.post("/v1/query", "{\"table\": \"counters\", \"operation\": \"insert\", \"data\": {\"id\": 1, \"value\": 0, \"note\": \"start\"}}");
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int k = 1; k <= WRITERS; k++) {
            int value = k;
            answers.add(CompletableFuture.supplyAsync(() -> {
                await(start);
                return http.post("/v1/query", "{\"table\": \"counters\", \"operation\": \"update\", \"data\": {\"value\": "
                        + value + ", \"note\": \"writer " + value + "\"}, \"filters\": [{\"column\": \"id\", \"op\": \"eq\", \"value\": 1}]}",
                        "X-Request-Id", "writer-" + value);
            }, pool));
        }
        start.countDown();
        for (CompletableFuture<HttpResponse<String>> a : answers) {
            assertThat(a.get().statusCode()).as(a.get().body()).isEqualTo(200);
        }
        pool.shutdown();

        // m.txid, not txid: a bare name in ORDER BY means the output column, here the text form,
        // which sorts 1001 before 999 (this test failed whenever the txids crossed a power of ten).
        List<List<String>> log = http.rows("""
                SELECT request_id, old::text, new::text, txid::text, changed_columns::text FROM flux.state_mutations m
                 WHERE operation = 'UPDATE' AND status = 'committed' ORDER BY m.txid""");
        assertThat(log).hasSize(WRITERS);
        String previous = http.rows("SELECT new::text FROM flux.state_mutations WHERE operation = 'INSERT'").get(0).get(0);
        Set<String> requests = new HashSet<>();
        Set<String> txids = new HashSet<>();
        for (List<String> record : log) {
            assertThat(JsonCodec.parse(record.get(1))).as("old image of " + record.get(0)).isEqualTo(JsonCodec.parse(previous));
            JsonNode after = JsonCodec.parse(record.get(2));
            assertThat(after.get("note").textValue()).isEqualTo("writer " + after.get("value").intValue());
            assertThat(record.get(0)).isEqualTo("writer-" + after.get("value").intValue());
            assertThat(record.get(4)).isEqualTo("{value,note}");
            requests.add(record.get(0));
            txids.add(record.get(3));
            previous = record.get(2);
        }
        assertThat(requests).hasSize(WRITERS);
        assertThat(txids).hasSize(WRITERS);
        assertThat(http.rows("SELECT row_to_json(c)::jsonb::text FROM counters c").get(0).get(0))
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

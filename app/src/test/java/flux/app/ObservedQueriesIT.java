package flux.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestKafka;
import flux.dev.testing.TestPostgres;
import flux.observe.QueryObservers;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Queries sent through the API, not hand-made traces, reach traces, N+1 findings and metrics. */
@ExtendWith(FluxTestInfra.class)
class ObservedQueriesIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration BURST_WINDOW = Duration.ofHours(1);
    /** How far the test has moved observability's clock ahead of the real one. */
    private final AtomicLong clockAhead = new AtomicLong();
    private final TestServer server;

    ObservedQueriesIT(TestPostgres pg, TestKafka kafka) throws Exception {
        TestPostgres db = pg.newDatabase("observed_queries");
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE parts (id int PRIMARY KEY, name text)");
            st.execute("INSERT INTO parts SELECT g, 'p' || g FROM generate_series(1, 50) g");
        }
        server = TestServer.start(db, kafka, Map.of("flux.observe.nplus1.burst-window-ms", BURST_WINDOW.toMillis()),
                () -> System.nanoTime() + clockAhead.get());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void anApiQueryIsTracedWithItsRequestIdTableAndParameterizedSql() throws Exception {
        var response = server.post("/v1/query",
                "{\"table\":\"parts\",\"operation\":\"select\",\"filters\":[{\"column\":\"id\",\"op\":\"eq\",\"value\":7}]}",
                "X-Request-Id", "observed-one");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode spans = JSON.readTree(server.get("/v1/observe/traces?request_id=observed-one").body()).get("spans");
        assertThat(spans).hasSize(1);
        String span = spans.get(0).toString();
        assertThat(span).contains("parts").contains("observed-one").doesNotContain("'7'");
    }

    /**
     * The requests fall in one window however slow the machine (it lasts an hour), and the window
     * ends when the test moves observability's clock past it.
     */
    @Test
    void oneClientsBurstOfSingleIdRequestsIsReportedAsABurst() throws Exception {
        for (int i = 1; i <= 8; i++) {
            assertThat(server.post("/v1/query", "{\"table\":\"parts\",\"operation\":\"select\",\"filters\":"
                    + "[{\"column\":\"name\",\"op\":\"eq\",\"value\":\"p" + i + "\"}]}").statusCode()).isEqualTo(200);
        }
        QueryObservers observers = server.context().getBean(QueryObservers.class);
        // Analysis runs in order: once a later request is out of the queue, the eight were analysed.
        assertThat(server.post("/v1/query", "{\"table\":\"parts\",\"operation\":\"select\"}").statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(60)).until(() -> observers.backlog() == 0);
        assertThat(findings()).as("judged only once the window has passed").doesNotContain("\"kind\":\"burst\"");

        clockAhead.addAndGet(BURST_WINDOW.multipliedBy(2).toNanos());
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(findings()).contains("\"kind\":\"burst\"").contains("name"));
    }

    private String findings() throws Exception {
        return JSON.readTree(server.get("/v1/observe/nplus1").body()).get("findings").toString();
    }

    @Test
    void twentySingleIdSelectsInOneTransactionAreReportedAsNPlusOne() throws Exception {
        StringJoiner queries = new StringJoiner(",", "{\"queries\":[", "]}");
        for (int i = 1; i <= 20; i++) {
            queries.add("{\"table\":\"parts\",\"operation\":\"select\",\"filters\":[{\"column\":\"id\",\"op\":\"eq\",\"value\":"
                    + i + "}]}");
        }
        assertThat(server.post("/v1/transaction", queries.toString(), "X-Request-Id", "loop-of-twenty").statusCode())
                .isEqualTo(200);
        assertThat(server.post("/v1/query", "{\"table\":\"parts\",\"operation\":\"select\",\"filters\":[{\"column\":\"id\","
                + "\"op\":\"in\",\"value\":[1,2,3,4,5,6]}]}", "X-Request-Id", "one-in-query").statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            String findings = JSON.readTree(server.get("/v1/observe/nplus1").body()).get("findings").toString();
            assertThat(findings).contains("loop-of-twenty").doesNotContain("one-in-query");
        });
        assertThat(server.get("/prometheus").body())
                .containsPattern("flux_query_seconds_count\\{[^}]*operation=\"select\"[^}]*table=\"public.parts\"");
    }
}

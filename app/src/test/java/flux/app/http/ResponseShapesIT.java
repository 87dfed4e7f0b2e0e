package flux.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestKafka;
import flux.dev.testing.TestPostgres;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The exact bytes of answers no other test pins whole: clients (and the CLI's {@code --json})
 * read these shapes, so field names, order and which nulls appear are part of the contract.
 */
@ExtendWith(FluxTestInfra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResponseShapesIT {
    private final FluxHttp http;

    ResponseShapesIT(TestPostgres pg, TestKafka kafka) {
        http = new FluxHttp(pg, kafka, "shapes", "CREATE TABLE shapes (id integer PRIMARY KEY, name text UNIQUE);");
    }

    @AfterAll
    void close() {
        http.close();
    }

    private HttpResponse<String> get(String path) {
        return http.send(HttpRequest.newBuilder(http.uri(path)).timeout(Duration.ofSeconds(30)).GET().build());
    }

    @Test
    void whoamiInOpenModeLeavesOutTheKeyAndTenantItHasNot() {
        assertThat(get("/v1/whoami").body()).isEqualTo("{\"auth\":\"open\",\"role\":\"admin\"}");
    }

    @Test
    void healthNamesEachComponentWithItsStatusFirst() {
        HttpResponse<String> health = get("/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).matches("\\{\"status\":\"UP\",\"components\":\\{"
                + "\"database\":\\{\"status\":\"UP\",\"version\":\"[^\"]+\"},"
                + "\"kafka\":\\{\"status\":\"UP\",\"cluster_id\":\"[^\"]+\"}}}");
    }

    @Test
    void aConstraintViolationIsAProblemWithTheRequestIdAndSqlState() {
        http.post("/v1/query", "{\"table\":\"shapes\",\"operation\":\"insert\",\"data\":{\"id\":1,\"name\":\"a\"}}");
        HttpResponse<String> clash = http.post("/v1/query",
                "{\"table\":\"shapes\",\"operation\":\"insert\",\"data\":{\"id\":2,\"name\":\"a\"}}",
                "X-Request-Id", "shape-clash");
        assertThat(clash.statusCode()).isEqualTo(409);
        assertThat(clash.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(clash.body()).startsWith("{\"type\":\"https://flux.dev/problems/unique-violation\","
                + "\"title\":\"Unique constraint violated\",\"status\":409,\"detail\":\"")
                .endsWith("\",\"request_id\":\"shape-clash\",\"sqlstate\":\"23505\"}");
    }

    @Test
    void anInvalidQueryIsAProblemWithTheRequestIdOnly() {
        HttpResponse<String> bad = http.post("/v1/query", "{\"table\":\"nope\",\"operation\":\"select\"}",
                "X-Request-Id", "shape-bad");
        assertThat(bad.body()).isEqualTo("{\"type\":\"https://flux.dev/problems/unknown-table\","
                + "\"title\":\"Unknown table\",\"status\":400,\"detail\":\"unknown table \\\"nope\\\"\","
                + "\"request_id\":\"shape-bad\"}");
    }

    @Test
    void micronautsOwnErrorsAreProblemsWithoutNullFields() {
        HttpResponse<String> missing = get("/v1/nothing-here");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).isEqualTo("{\"type\":\"https://flux.dev/problems/not-found\","
                + "\"title\":\"Not Found\",\"status\":404,\"detail\":\"Page Not Found\"}");
    }

    @Test
    void captureStatusWhileCaptureIsOffIsAProblem() {
        HttpResponse<String> off = get("/v1/capture/status");
        assertThat(off.statusCode()).isEqualTo(503);
        assertThat(off.body()).isEqualTo("{\"type\":\"https://flux.dev/problems/capture-disabled\","
                + "\"title\":\"Capture is not running\",\"status\":503,"
                + "\"detail\":\"capture is disabled (flux.capture.enabled=false)\"}");
    }

    @Test
    void observeAnswersKeepEmptyListsAndSettings() {
        assertThat(get("/v1/observe/slow").body()).isEqualTo("{\"threshold_ms\":100,\"total\":0,\"queries\":[]}");
        assertThat(get("/v1/observe/nplus1").body())
                .isEqualTo("{\"threshold\":5,\"min_total_ms\":0,\"burst_window_ms\":1000,\"findings\":[]}");
        assertThat(get("/v1/observe/indexes").body())
                .isEqualTo("{\"min_filters\":10,\"min_rows\":10000,\"suggestions\":[],\"skipped\":[]}");
        assertThat(get("/v1/observe/traces?request_id=none-such").body())
                .matches("\\{\"window\":\\{\"capacity\":10000,\"recorded\":\\d+},\"spans\":\\[]}");
    }

    @Test
    void aTraceSpanListsEveryFieldInOrder() {
        http.post("/v1/query", "{\"table\":\"shapes\",\"operation\":\"select\"}", "X-Request-Id", "shape-span");
        String body = org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> get("/v1/observe/traces?request_id=shape-span").body(), b -> b.contains("span_id"));
        assertThat(body).matches("\\{\"window\":\\{\"capacity\":10000,\"recorded\":\\d+},\"spans\":\\[\\{"
                + "\"trace_id\":\"[0-9a-f]{32}\",\"span_id\":\"[0-9a-f]{16}\",\"parent_span_id\":\"[0-9a-f]{16}\","
                + "\"name\":\"SELECT public.shapes\",\"kind\":\"CLIENT\",\"start\":\"[^\"]+\","
                + "\"duration_ms\":[0-9.E-]+,\"status\":\"OK\",\"attributes\":\\{.*}}]}");
    }
}

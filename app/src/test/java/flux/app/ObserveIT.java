package flux.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestKafka;
import flux.dev.testing.TestPostgres;
import flux.query.QueryObserver;
import flux.query.QueryTrace;
import io.micronaut.context.ApplicationContext;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Query observability in a running server: statements really run against PostgreSQL are fed
 * to the {@link QueryObserver} bean (as the engine will), then read back over HTTP, from
 * {@code /prometheus}, from an OTLP collector and through the CLI.
 */
@ExtendWith(FluxTestInfra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ObserveIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String BY_ID = "SELECT t.\"id\", t.\"name\" FROM \"public\".\"widgets\" AS t"
            + " WHERE t.\"id\" = CAST(? AS integer) LIMIT ?";

    private final TestPostgres db;
    private final TestKafka kafka;
    private final List<byte[]> exported = new CopyOnWriteArrayList<>();
    private HttpServer collector;
    private TestServer server;
    private String url;
    private DataSource dataSource;
    private QueryObserver observer;

    @TempDir
    Path work;

    ObserveIT(TestPostgres pg, TestKafka kafka) {
        this.db = pg.newDatabase("observe_app");
        this.kafka = kafka;
    }

    @BeforeAll
    void start() throws Exception {
        collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        collector.createContext("/v1/traces", exchange -> {
            exported.add(exchange.getRequestBody().readAllBytes());
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        collector.start();
        server = TestServer.start(db, kafka, Map.of(
                "flux.observe.slow-threshold-ms", 50,
                "flux.observe.index.min-filters", 3,
                "flux.observe.index.min-rows", 1000,
                "flux.observe.mutation-log-refresh", "500ms",
                "flux.observe.otlp.endpoint", "http://127.0.0.1:" + collector.getAddress().getPort() + "/v1/traces"));
        ApplicationContext context = server.context();
        dataSource = context.getBean(DataSource.class);
        url = server.url();
        observer = context.getBean(QueryObserver.class);
        exec("CREATE TABLE widgets (id int PRIMARY KEY, name text)",
                "INSERT INTO widgets SELECT g, 'widget ' || g FROM generate_series(1, 50) g",
                "CREATE TABLE metered (id int PRIMARY KEY, name text)",
                "INSERT INTO metered SELECT g, 'm' || g FROM generate_series(1, 10) g",
                "CREATE TABLE parts (id int PRIMARY KEY, widget_id int)",
                "INSERT INTO parts SELECT g, g % 100 FROM generate_series(1, 5000) g",
                "ANALYZE widgets", "ANALYZE parts");
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
        if (collector != null) {
            collector.stop(0);
        }
    }

    @Test
    void metricsAppearAtPrometheusWithOperationTableAndOutcomeLabels() throws Exception {
        String request = UUID.randomUUID().toString();
        try (Connection c = dataSource.getConnection()) {
            for (int id = 1; id <= 3; id++) {
                run(c, request, "select", "metered", BY_ID.replace("widgets", "metered"), List.of(Integer.toString(id), 10L), "id");
            }
            run(c, request, "insert", "metered", "INSERT INTO \"public\".\"metered\" (\"id\", \"name\") VALUES (CAST(? AS integer), ?)",
                    List.of("1", "duplicate"));
        }
        exec("INSERT INTO flux.state_mutations (request_id, table_schema, table_name, row_id, operation)"
                + " SELECT 'r', 'public', 'widgets', g::text, 'INSERT' FROM generate_series(1, 3) g");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            String metrics = get("/prometheus").body();
            assertThat(metrics)
                    .contains("flux_query_seconds_count{application=\"flux\",operation=\"select\",outcome=\"ok\",table=\"public.metered\"} 3\n")
                    .contains("flux_query_seconds_count{application=\"flux\",operation=\"insert\",outcome=\"error\",table=\"public.metered\"} 1\n")
                    .contains("flux_query_seconds_bucket{application=\"flux\",operation=\"select\",outcome=\"ok\",table=\"public.metered\",le=\"+Inf\"} 3")
                    .contains("hikaricp_connections_max{application=\"flux\",pool=\"flux\"} 16.0")
                    .contains("hikaricp_connections_active{application=\"flux\",pool=\"flux\"}")
                    .contains("flux_mutation_log_rows{application=\"flux\"} 3.0")
                    .contains("flux_observe_dropped_total{application=\"flux\"} 0.0")
                    .contains("jvm_memory_used_bytes");
        });
        HttpResponse<String> scrape = get("/prometheus");
        assertThat(scrape.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
    }

    @Test
    void theTracesEndpointShowsARequestsSpansAndRejectsABadLimit() throws Exception {
        String request = UUID.randomUUID().toString();
        try (Connection c = dataSource.getConnection()) {
            run(c, request, "select", "widgets", BY_ID, List.of("4", 10L), "id");
            run(c, request, "select", "widgets", BY_ID, List.of("5", 10L), "id");
        }
        JsonNode body = json(get("/v1/observe/traces?request_id=" + request + "&limit=10"));
        assertThat(body.path("spans")).hasSize(2);
        JsonNode span = body.path("spans").get(0);
        assertThat(span.path("trace_id").asText()).isEqualTo(request.replace("-", ""));
        assertThat(span.path("name").asText()).isEqualTo("SELECT public.widgets");
        assertThat(span.path("status").asText()).isEqualTo("OK");
        assertThat(span.path("attributes").path("db.system.name").asText()).isEqualTo("postgresql");
        assertThat(span.path("attributes").path("db.query.text").asText()).isEqualTo(BY_ID);
        assertThat(span.path("attributes").path("db.response.returned_rows").asLong()).isEqualTo(1);
        assertThat(span.path("attributes").path("flux.request_id").asText()).isEqualTo(request);

        for (String bad : new String[] {"0", "abc", "1000000"}) {
            HttpResponse<String> response = get("/v1/observe/traces?limit=" + bad);
            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(response.headers().firstValue("Content-Type")).contains("application/problem+json");
            assertThat(JSON.readTree(response.body()).path("type").asText()).isEqualTo("https://flux.dev/problems/invalid-parameter");
        }
    }

    @Test
    void queriesAreExportedAsSpansOverOtlp() throws Exception {
        String request = UUID.randomUUID().toString();
        try (Connection c = dataSource.getConnection()) {
            run(c, request, "select", "widgets", BY_ID, List.of("6", 10L), "id");
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> exported.stream().anyMatch(body -> {
            String text = new String(body, StandardCharsets.ISO_8859_1);
            return text.contains(request) && text.contains("db.query.text") && text.contains("SELECT public.widgets");
        }));
    }

    @Test
    void slowQueriesNPlusOnesAndIndexSuggestionsReachTheEndpointsAndTheCli() throws Exception {
        String slowRequest = UUID.randomUUID().toString();
        String loop = UUID.randomUUID().toString();
        String partsBy = "SELECT t.\"id\" FROM \"public\".\"parts\" AS t WHERE t.\"widget_id\" = CAST(? AS integer)";
        try (Connection c = dataSource.getConnection()) {
            run(c, slowRequest, "select", "widgets", "SELECT pg_sleep(CAST(? AS float8)), t.\"name\" FROM \"public\".\"widgets\""
                    + " AS t WHERE t.\"id\" = CAST(? AS integer)", List.of("0.08", "1"), "id");
            for (int id = 1; id <= 6; id++) {
                run(c, loop, "select", "parts", partsBy, List.of(Integer.toString(id)), "widget_id");
            }
        }
        observer.onRequestEnd(loop);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode slow = json(get("/v1/observe/slow"));
            assertThat(slow.path("threshold_ms").asInt()).isEqualTo(50);
            assertThat(slow.path("queries")).anySatisfy(q -> {
                assertThat(q.path("last_request_id").asText()).isEqualTo(slowRequest);
                assertThat(q.path("plan").asText()).contains("widgets");
            });
            JsonNode nPlusOne = json(get("/v1/observe/nplus1"));
            assertThat(nPlusOne.path("findings")).anySatisfy(f -> {
                assertThat(f.path("request_id").asText()).isEqualTo(loop);
                assertThat(f.path("repetitions").asInt()).isEqualTo(6);
                assertThat(f.path("kind").asText()).isEqualTo("request");
            });
        });
        String createIndex = "CREATE INDEX CONCURRENTLY \"parts_widget_id_idx\" ON \"public\".\"parts\" (\"widget_id\")";
        JsonNode indexes = json(get("/v1/observe/indexes"));
        assertThat(indexes.path("suggestions")).anySatisfy(s -> assertThat(s.path("statement").asText()).isEqualTo(createIndex));

        Map<String, String> env = Map.of("FLUX_URL", url);
        FluxProcess slowCli = FluxProcess.run(work, env, "observe", "slow");
        assertThat(slowCli.exitCode()).isZero();
        assertThat(slowCli.stdout()).contains("pg_sleep").contains("| ");
        FluxProcess indexCli = FluxProcess.run(work, env, "observe", "indexes");
        assertThat(indexCli.exitCode()).isZero();
        assertThat(indexCli.stdout()).contains(createIndex + ";");
        FluxProcess nPlusOneCli = FluxProcess.run(work, env, "observe", "nplus1", "--json");
        assertThat(nPlusOneCli.exitCode()).isZero();
        assertThat(JSON.readTree(nPlusOneCli.stdout()).path("findings").get(0).path("suggestion").asText()).contains("\"op\": \"in\"");
        FluxProcess tracesCli = FluxProcess.run(work, env, "observe", "traces", "--request-id", loop, "--limit", "3");
        assertThat(tracesCli.exitCode()).isZero();
        assertThat(tracesCli.stdout().lines()).hasSize(3).allMatch(l -> l.contains("SELECT public.parts") && l.contains(loop));

        FluxProcess usage = FluxProcess.run(work, env, "observe", "traces", "--limit", "0");
        assertThat(usage.exitCode()).isEqualTo(2);
        FluxProcess down = FluxProcess.run(work, Map.of("FLUX_URL", "http://127.0.0.1:1"), "observe", "slow");
        assertThat(down.exitCode()).isEqualTo(1);
        assertThat(down.stderr()).startsWith("flux: cannot reach the flux server");
    }

    /** Runs a statement as the engine would and hands its trace to the observer bean. */
    private void run(Connection c, String requestId, String operation, String table, String sql, List<Object> params,
                     String... filters) {
        Instant started = Instant.now();
        long start = System.nanoTime();
        long rows = 0;
        String sqlState = null;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.size(); i++) {
                ps.setObject(i + 1, params.get(i));
            }
            if (ps.execute()) {
                try (ResultSet rs = ps.getResultSet()) {
                    while (rs.next()) {
                        rows++;
                    }
                }
            } else {
                rows = ps.getUpdateCount();
            }
        } catch (SQLException e) {
            sqlState = e.getSQLState();
        }
        observer.onQuery(new QueryTrace(requestId, null, operation, "public", table, sql, params, List.of(filters),
                rows, System.nanoTime() - start, sqlState, started));
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isLessThan(400);
        return JSON.readTree(response.body());
    }

    private void exec(String... statements) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }
}

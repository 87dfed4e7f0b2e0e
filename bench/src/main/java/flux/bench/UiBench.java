package flux.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import flux.dev.LocalKafka;
import flux.dev.LocalPostgres;
import flux.dev.Ports;
import flux.query.QueryEngine;
import flux.query.model.QueryJson;
import flux.query.model.RequestId;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code flux-bench ui}: how long the web UI's pages take to load (the whole HTML answer, as the
 * browser waits for it) on the embedded default: embedded PostgreSQL and Kafka, capture running,
 * open mode, a mutation log of {@code --records} records written through the engine (bulk inserts,
 * then one row updated {@code --hot} times). Pages interleaved call by call; p50, p99 and max.
 * Target (issue #24): every page under 200 ms (p99). A console run is measured beside them but
 * not judged: it is an action, and opens a database session of its own (docs/console.md).
 */
@Command(name = "ui", mixinStandardHelpOptions = true,
        description = "Benchmark the web UI's page loads with a large mutation log (embedded services, capture on).")
final class UiBench implements Callable<Integer> {
    private static final double TARGET_MS = 200;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    @Spec
    CommandSpec spec;

    @Option(names = "--records", paramLabel = "N", defaultValue = "100000", description = "mutation log records (default ${DEFAULT-VALUE})")
    int records;

    @Option(names = "--hot", paramLabel = "N", defaultValue = "1000", description = "updates of the one row with a long history (default ${DEFAULT-VALUE})")
    int hot;

    @Option(names = "--iterations", paramLabel = "N", defaultValue = "200", description = "timed loads per page (default ${DEFAULT-VALUE})")
    int iterations;

    @Override
    public Integer call() throws Exception {
        if (records < 2_000 || hot < 1 || hot >= records || iterations < 20) {
            throw new ParameterException(spec.commandLine(), "need --records >= 2000, 1 <= --hot < --records, --iterations >= 20");
        }
        PrintWriter out = spec.commandLine().getOut();
        Path dir = Files.createTempDirectory("flux-bench-ui");
        Files.createDirectories(dir.resolve("schema"));
        Files.writeString(dir.resolve("schema/V1__accounts.sql"), "CREATE TABLE accounts (id bigint PRIMARY KEY,"
                + " email text NOT NULL, plan text NOT NULL, balance numeric(12, 2) NOT NULL, note text);\n");
        try (LocalPostgres pg = LocalPostgres.start(dir.resolve("pg"), Ports.findFree());
             LocalKafka kafka = LocalKafka.start(Files.createDirectories(dir.resolve("kafka")), Ports.findFree(),
                     Ports.findFree());
             ApplicationContext context = ApplicationContext.builder().deduceEnvironment(false).banner(false)
                     .properties(Map.of("micronaut.server.port", -1, "micronaut.server.host", "127.0.0.1",
                             "flux.database.jdbc-url", pg.jdbcUrl(), "flux.database.username", LocalPostgres.USER,
                             "flux.auth.mode", "open", "flux.capture.enabled", true, "flux.capture.slot", "ui_bench",
                             "flux.kafka.bootstrap-servers", kafka.bootstrapServers(),
                             "flux.migrations.dir", dir.resolve("schema").toString()))
                     .start()) {
            EmbeddedServer server = context.getBean(EmbeddedServer.class).start();
            String base = "http://127.0.0.1:" + server.getPort();
            out.printf("flux-bench ui: %d cores, Java %s, PostgreSQL embedded (fsync on), capture on%n",
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            awaitStreaming(http, base);
            long start = System.nanoTime();
            String bulkRequest = build(context.getBean(QueryEngine.class));
            long total = logRecords(context.getBean(DataSource.class));
            out.printf("wrote %,d mutation log records through the engine in %.1f s; waiting for capture%n", total,
                    (System.nanoTime() - start) / 1e9);
            awaitCaptured(http, base, records);
            Map<String, HttpRequest> pages = pages(http, base, bulkRequest);
            Map<String, Latencies> timings = new LinkedHashMap<>();
            pages.keySet().forEach(p -> timings.put(p, new Latencies(iterations)));
            for (int round = -20; round < iterations; round++) {
                for (Map.Entry<String, HttpRequest> page : pages.entrySet()) {
                    long t0 = System.nanoTime();
                    HttpResponse<String> r = http.send(page.getValue(), HttpResponse.BodyHandlers.ofString());
                    long took = System.nanoTime() - t0;
                    if (r.statusCode() != 200) {
                        throw new BenchFailure(page.getKey() + " answered " + r.statusCode() + ": " + r.body());
                    }
                    if (round >= 0) {
                        timings.get(page.getKey()).add(took);
                    }
                }
            }
            out.printf("%n%-44s %8s %8s %8s %9s%n", "page (" + iterations + " loads each)", "p50 ms", "p99 ms",
                    "max ms", "KB");
            boolean met = true;
            for (Map.Entry<String, Latencies> t : timings.entrySet()) {
                int kb = http.send(pages.get(t.getKey()), HttpResponse.BodyHandlers.ofString()).body().length() / 1024;
                double p99 = t.getValue().percentileMillis(99);
                // The target is for page loads; a console run is an action (its own database session).
                met &= p99 < TARGET_MS || pages.get(t.getKey()).method().equals("POST");
                out.printf("%-44s %8.1f %8.1f %8.1f %9d%n", t.getKey(), t.getValue().percentileMillis(50), p99,
                        t.getValue().percentileMillis(100), kb);
            }
            out.printf("load average (1/5/15 min) at the end: %s%n", Files.readString(Path.of("/proc/loadavg")).strip());
            out.println(met ? "target met (every page's p99 under 200 ms; the console run is an action, not judged)"
                    : "target MISSED");
            out.flush();
            return Bench.OK;
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Bulk inserts (1,000 rows a request), then one row updated --hot times; returns a bulk request's id. */
    private String build(QueryEngine engine) {
        String bulk = null;
        int rows = records - hot;
        for (int from = 1; from <= rows; from += 1000) {
            ObjectNode q = JSON.createObjectNode().put("table", "accounts").put("operation", "insert");
            ArrayNode data = q.putArray("data");
            for (int id = from; id < Math.min(from + 1000, rows + 1); id++) {
                data.addObject().put("id", id).put("email", "user" + id + "@example.com")
                        .put("plan", id % 3 == 0 ? "pro" : "free").put("balance", (id % 10_000) + ".50")
                        .put("note", "account " + id);
            }
            RequestId id = RequestId.generate();
            engine.query(id, QueryJson.read(q));
            bulk = bulk == null ? id.value() : bulk;
        }
        for (int i = 0; i < hot; i++) {
            ObjectNode q = JSON.createObjectNode().put("table", "accounts").put("operation", "update");
            q.putArray("filters").addObject().put("column", "id").put("op", "eq").put("value", 1);
            q.putObject("data").put("balance", i + ".00").put("plan", i % 2 == 0 ? "pro" : "free");
            engine.query(RequestId.generate(), QueryJson.read(q));
        }
        return bulk;
    }

    private Map<String, HttpRequest> pages(HttpClient http, String base, String bulkRequest) throws Exception {
        HttpResponse<String> console = http.send(get(base + "/ui/console"), HttpResponse.BodyHandlers.ofString());
        String cookie = console.headers().firstValue("set-cookie").orElseThrow().split(";", 2)[0];
        Matcher token = CSRF.matcher(console.body());
        if (!token.find()) {
            throw new BenchFailure("the console page has no CSRF token");
        }
        Map<String, HttpRequest> pages = new LinkedHashMap<>();
        pages.put("tables", get(base + "/ui/tables"));
        pages.put("rows (first page of 50)", get(base + "/ui/tables/accounts"));
        pages.put("rows filtered (plan eq pro, offset 5000)", get(base
                + "/ui/tables/accounts?column=plan&op=eq&value=pro&offset=5000"));
        pages.put("row timeline + blame, " + (hot + 1) + " records", get(base + "/ui/rows/accounts/1"));
        pages.put("row timeline + blame, 1 record", get(base + "/ui/rows/accounts/" + (records - hot)));
        pages.put("request (first 200 of its 1,000 records)", get(base + "/ui/requests/" + bulkRequest));
        pages.put("capture", get(base + "/ui/capture"));
        pages.put("observability", get(base + "/ui/observe"));
        pages.put("migrations", get(base + "/ui/migrations"));
        pages.put("console (with audit log)", get(base + "/ui/console"));
        pages.put("console run (SELECT, 50 rows)", HttpRequest.newBuilder(URI.create(base + "/ui/console"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Cookie", cookie)
                .header("HX-Request", "true").header("Origin", base)
                .POST(HttpRequest.BodyPublishers.ofString("csrf=" + token.group(1)
                        + "&sql=SELECT+*+FROM+accounts+WHERE+plan+%3D+%27pro%27+ORDER+BY+id+LIMIT+50")).build());
        return pages;
    }

    private static HttpRequest get(String url) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build();
    }

    private static long logRecords(DataSource ds) throws Exception {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM flux.state_mutations")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static JsonNode status(HttpClient http, String base) throws Exception {
        return JSON.readTree(http.send(get(base + "/v1/capture/status"), HttpResponse.BodyHandlers.ofString()).body());
    }

    private static void awaitStreaming(HttpClient http, String base) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!"STREAMING".equals(status(http, base).path("state").asText())) {
            if (System.nanoTime() > deadline) {
                throw new BenchFailure("capture did not start streaming within 90 s");
            }
            Thread.sleep(200);
        }
    }

    /** Measures only once capture has published the log's changes (it reads the WAL in the background). */
    private static void awaitCaptured(HttpClient http, String base, long events) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (status(http, base).path("events_published").asLong() < events) {
            if (System.nanoTime() > deadline) {
                throw new BenchFailure("capture did not publish " + events + " events within 5 minutes");
            }
            Thread.sleep(500);
        }
    }
}

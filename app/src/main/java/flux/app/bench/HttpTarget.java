package flux.app.bench;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** (d): {@code POST /v1/query} against a Flux HTTP server started in this process on a random port. */
final class HttpTarget implements WriteTarget {
    private final ApplicationContext context;
    private final URI uri;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    HttpTarget(String jdbcUrl, int poolSize) {
        context = ApplicationContext.builder()
                .deduceEnvironment(false)
                .banner(false)
                .properties(Map.of(
                        "micronaut.server.port", -1,
                        "micronaut.server.host", "127.0.0.1",
                        "flux.database.jdbc-url", jdbcUrl,
                        "flux.database.pool-size", poolSize,
                        // no broker: nothing on this path talks to Kafka
                        "flux.kafka.bootstrap-servers", "127.0.0.1:9"))
                .start();
        EmbeddedServer server = context.getBean(EmbeddedServer.class).start();
        uri = URI.create("http://127.0.0.1:" + server.getPort() + "/v1/query");
    }

    @Override
    public void insert(long id) throws IOException, InterruptedException {
        post("{\"table\":\"bench_engine\",\"operation\":\"insert\",\"data\":{\"id\":" + id + ",\"name\":\"row " + id
                + "\",\"amount\":" + BigDecimal.valueOf(id % 10_000, 2) + "}}");
    }

    @Override
    public void update(long id, long value) throws IOException, InterruptedException {
        post("{\"table\":\"bench_engine\",\"operation\":\"update\",\"data\":{\"amount\":"
                + BigDecimal.valueOf(value % 10_000, 2) + "},\"filters\":[{\"column\":\"id\",\"op\":\"eq\",\"value\":" + id + "}]}");
    }

    private void post(String body) throws IOException, InterruptedException {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("HTTP " + r.statusCode() + ": " + r.body());
        }
    }

    @Override
    public void close() {
        context.close();
    }
}

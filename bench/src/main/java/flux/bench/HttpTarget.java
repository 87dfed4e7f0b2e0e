package flux.bench;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * (d): {@code POST /v1/query} against a Flux HTTP server started in this process on a random
 * port. Each client thread keeps one HTTP/1.1 keep-alive connection and speaks the protocol
 * directly ({@link LeanHttpClient}), like a load generator such as wrk: the JDK's clients cost
 * more CPU per request than the server they measure, and they share its 2 vCPUs here.
 */
final class HttpTarget implements WriteTarget {
    private final ApplicationContext context;
    private final PerThreadHttpClients clients;

    HttpTarget(String jdbcUrl, int poolSize) throws IOException {
        context = ApplicationContext.builder()
                .deduceEnvironment(false)
                .banner(false)
                .properties(Map.of(
                        "micronaut.server.port", -1,
                        "micronaut.server.host", "127.0.0.1",
                        "flux.database.jdbc-url", jdbcUrl,
                        "flux.database.pool-size", poolSize,
                        "flux.database.min-idle", poolSize,
                        "flux.auth.mode", "open",
                        "flux.capture.enabled", false,
                        "flux.history.fold-idle-ms", Long.getLong("flux.bench.fold-idle-ms", 100),
                        // no broker: nothing on this path talks to Kafka
                        "flux.kafka.bootstrap-servers", "127.0.0.1:9"))
                .start();
        EmbeddedServer server = context.getBean(EmbeddedServer.class).start();
        clients = new PerThreadHttpClients(server.getPort());
    }

    @Override
    public void insert(long id) throws IOException {
        clients.post("/v1/query", insertBody(id));
    }

    @Override
    public void update(long id, long value) throws IOException {
        clients.post("/v1/query", updateBody(id, value));
    }

    /** The body of (d)'s insert of row {@code id}: what (c) writes, as JSON. */
    static String insertBody(long id) {
        return "{\"table\":\"bench_engine\",\"operation\":\"insert\",\"data\":{\"id\":" + id + ",\"name\":\"row " + id
                + "\",\"amount\":" + BigDecimal.valueOf(id % 10_000, 2) + "}}";
    }

    /** The body of (d)'s update of row {@code id} to {@code value}. */
    static String updateBody(long id, long value) {
        return "{\"table\":\"bench_engine\",\"operation\":\"update\",\"data\":{\"amount\":"
                + BigDecimal.valueOf(value % 10_000, 2) + "},\"filters\":[{\"column\":\"id\",\"op\":\"eq\",\"value\":" + id + "}]}";
    }

    @Override
    public void close() {
        clients.close();
        context.close();
    }
}

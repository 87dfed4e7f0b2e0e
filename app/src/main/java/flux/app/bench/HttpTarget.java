package flux.app.bench;

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
 * port. The client is the JDK's blocking {@link HttpURLConnection} with keep-alive: one thread
 * per client and no hand-offs, like a plain application client.
 */
final class HttpTarget implements WriteTarget {
    private final ApplicationContext context;
    private final URL url;

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
                        // no broker: nothing on this path talks to Kafka
                        "flux.kafka.bootstrap-servers", "127.0.0.1:9"))
                .start();
        EmbeddedServer server = context.getBean(EmbeddedServer.class).start();
        url = java.net.URI.create("http://127.0.0.1:" + server.getPort() + "/v1/query").toURL();
    }

    @Override
    public void insert(long id) throws IOException {
        post("{\"table\":\"bench_engine\",\"operation\":\"insert\",\"data\":{\"id\":" + id + ",\"name\":\"row " + id
                + "\",\"amount\":" + BigDecimal.valueOf(id % 10_000, 2) + "}}");
    }

    @Override
    public void update(long id, long value) throws IOException {
        post("{\"table\":\"bench_engine\",\"operation\":\"update\",\"data\":{\"amount\":"
                + BigDecimal.valueOf(value % 10_000, 2) + "},\"filters\":[{\"column\":\"id\",\"op\":\"eq\",\"value\":" + id + "}]}");
    }

    private void post(String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        HttpURLConnection c = (HttpURLConnection) url.openConnection();
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        c.setFixedLengthStreamingMode(bytes.length);
        c.setRequestProperty("Content-Type", "application/json");
        try (OutputStream out = c.getOutputStream()) {
            out.write(bytes);
        }
        int status = c.getResponseCode();
        InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream();
        String answer = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        if (in != null) {
            in.close(); // fully read and closed: the connection goes back to the keep-alive cache
        }
        if (status != 200) {
            throw new IOException("HTTP " + status + ": " + answer);
        }
    }

    @Override
    public void close() {
        context.close();
    }
}

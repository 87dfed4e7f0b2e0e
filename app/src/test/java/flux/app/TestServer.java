package flux.app;

import flux.app.server.FluxServer;
import flux.app.wiring.FluxSchema;
import flux.dev.testing.TestKafka;
import flux.dev.testing.TestPostgres;
import io.micronaut.context.ApplicationContext;
import io.micronaut.inject.qualifiers.Qualifiers;
import io.micronaut.runtime.server.EmbeddedServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import javax.sql.DataSource;

/**
 * The Flux HTTP server in the test JVM, on a random port, against a test database and broker:
 * the same beans as {@code flux serve}, without the process around them.
 */
public final class TestServer implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private final ApplicationContext context;
    private final EmbeddedServer server;

    private TestServer(ApplicationContext context, EmbeddedServer server) {
        this.context = context;
        this.server = server;
    }

    public static TestServer start(TestPostgres db, TestKafka kafka, Map<String, Object> extra) throws Exception {
        return start(db, kafka, extra, null);
    }

    /**
     * Like {@link #start(TestPostgres, TestKafka, Map)}, with {@code observeClock} (nanoseconds)
     * as the clock query observability judges its windows by (ObserveFactory's
     * {@code flux.observe.clock}): the test moves time instead of waiting for it.
     */
    public static TestServer start(TestPostgres db, TestKafka kafka, Map<String, Object> extra,
                                   LongSupplier observeClock) throws Exception {
        Map<String, Object> p = new HashMap<>();
        p.put("micronaut.server.port", -1);
        p.put("micronaut.server.host", "127.0.0.1");
        p.put("flux.database.jdbc-url", db.jdbcUrl());
        p.put("flux.database.username", db.user());
        p.put("flux.database.password", db.password());
        p.put("flux.kafka.bootstrap-servers", kafka.bootstrapServers());
        p.put("flux.auth.mode", "open");
        p.put("flux.capture.enabled", false); // per-cluster slot names: capture tests choose their own
        p.putAll(extra);
        ApplicationContext context = ApplicationContext.builder().deduceEnvironment(false).properties(p).build();
        try {
            if (observeClock != null) {
                context.registerSingleton(LongSupplier.class, observeClock, Qualifiers.byName("flux.observe.clock"));
            }
            context.start();
            FluxSchema.install(context.getBean(DataSource.class));
            FluxServer.prepareCapture(context);
            EmbeddedServer server = context.getBean(EmbeddedServer.class);
            server.start();
            return new TestServer(context, server);
        } catch (Exception | Error e) {
            context.close(); // a server that failed to start leaves nothing running
            throw e;
        }
    }

    public String url() {
        return "http://127.0.0.1:" + server.getPort();
    }

    public ApplicationContext context() {
        return context;
    }

    public HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(30));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return HTTP.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> post(String path, String json, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json");
        if (headers.length > 0) {
            request.headers(headers);
        }
        return HTTP.send(request.POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        context.close();
    }
}

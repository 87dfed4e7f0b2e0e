package flux.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import flux.dev.Ports;
import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestKafka;
import flux.dev.testing.TestPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full run of the packaged jar against a database whose login has a password, logging at DEBUG:
 * a key created with the CLI, {@code flux serve} with capture, requests that succeed and fail (with the key, with a
 * wrong secret for a real key id), {@code /health}, a SIGTERM. Nothing the run prints (server log,
 * start-up summary, the CLI's messages) and no response body holds the password, the full
 * DATABASE_URL, the key or the wrong secret. The key is printed once, on the stdout of
 * {@code keys create}: the one place it belongs.
 */
@ExtendWith(FluxTestInfra.class)
@Timeout(600)
class SecretsIT {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final TestPostgres db;
    private final TestKafka kafka;
    /** Role, slot and publication names: per run, as roles and slots belong to the whole cluster. */
    private final String name = "secrets_" + UUID.randomUUID().toString().substring(0, 8);
    private final String password = "pw-" + UUID.randomUUID();
    private final int http = Ports.findFree();

    @TempDir
    Path work;

    SecretsIT(TestPostgres pg, TestKafka kafka) {
        this.db = pg.newDatabase("secrets");
        this.kafka = kafka;
    }

    @AfterEach
    void dropSlot() throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '"
                    + name + "'");
        }
    }

    @Test
    void aFullRunNeverShowsThePasswordTheFullDatabaseUrlOrAKey() throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            // Trust authentication lets any password in; what matters is where the string travels.
            st.execute("CREATE ROLE " + name + " LOGIN SUPERUSER PASSWORD '" + password + "'");
        }
        String url = "postgresql://" + name + ":" + password + "@" + db.host() + ":" + db.port() + "/"
                + db.database() + "?application_name=flux-secrets";
        Map<String, String> env = Map.of("DATABASE_URL", url, "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "FLUX_CAPTURE_SLOT", name, "FLUX_CAPTURE_PUBLICATION", name, "FLUX_LOG_LEVEL", "DEBUG");
        List<String> printed = new ArrayList<>();

        FluxProcess created = FluxProcess.run(work, env, "keys", "create", "--tenant", "acme");
        assertThat(created.exitCode()).as(created.stderr()).isZero();
        String key = created.stdout().strip();
        assertThat(key).startsWith("flux_");
        printed.add(created.stderr());
        String wrongSecret = key.substring(0, 14) + "x".repeat(43);

        try (FluxProcess serve = FluxProcess.start(work, env, "serve", "--port", Integer.toString(http),
                "--data-dir", work.resolve(".flux").toString()).awaitUp(Duration.ofSeconds(120))) {
            await().atMost(Duration.ofSeconds(60)).until(() -> get("/v1/capture/status", null).body().contains("STREAMING"));
            printed.add(get("/health", null).body());
            printed.add(get("/v1/whoami", key).body());
            printed.add(query(key, "{\"table\":\"no_such_table\",\"operation\":\"select\"}").body());
            printed.add(query(null, "{\"table\":").body());
            HttpResponse<String> wrong = get("/v1/whoami", wrongSecret);
            assertThat(wrong.statusCode()).isEqualTo(401);
            printed.add(wrong.body());
            assertThat(serve.terminate()).isZero();
            printed.add(serve.stdout());
            printed.add(serve.stderr());
            assertThat(serve.stdout()).as("the summary names the database, redacted")
                    .contains("database  postgresql://" + name + "@" + db.host() + ":" + db.port());
        }
        String all = String.join("\n", printed);
        // The log of the run is there to search, at DEBUG (root level; the libraries keep their own).
        assertThat(all).contains("capture started").contains(" DEBUG ");
        assertThat(all).doesNotContain(password).doesNotContain(url).doesNotContain(key)
                .doesNotContain(wrongSecret).doesNotContain(key.substring(14));
    }

    @Test
    void aDatabaseUrlThatCannotBeReadIsRefusedWithoutRepeatingIt() throws Exception {
        String unreadable = "postgresql://" + name + ":" + password + " @" + db.host() + "/" + db.database();
        for (String[] command : List.of(new String[] {"serve", "--port", Integer.toString(http)},
                new String[] {"keys", "list"})) {
            FluxProcess refused = FluxProcess.run(work, Map.of("DATABASE_URL", unreadable), command);
            assertThat(refused.exitCode()).isNotZero();
            assertThat(refused.stderr()).contains("DATABASE_URL is not a valid URI").doesNotContain(password);
            assertThat(refused.stdout()).doesNotContain(password);
        }
    }

    private HttpResponse<String> get(String path, String key) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + path));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> query(String key, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + "/v1/query"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}

package flux.app;

import static org.assertj.core.api.Assertions.assertThat;

import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestKafka;
import flux.dev.testing.TestPostgres;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** API keys end to end: `flux keys` against the database, and the server checking them. */
@ExtendWith(FluxTestInfra.class)
class AccessIT {
    private final TestPostgres db;
    private final TestKafka kafka;
    private TestServer server;

    @TempDir
    Path home;

    AccessIT(TestPostgres pg, TestKafka kafka) {
        this.db = pg.newDatabase("access");
        this.kafka = kafka;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** The CLI finds the database the way it finds a running embedded server's. */
    private String[] withDataDir(String... args) throws Exception {
        Files.writeString(home.resolve("database.url"),
                db.jdbcUrl() + "?user=" + db.user() + "&password=" + db.password() + "\n");
        String[] all = java.util.Arrays.copyOf(args, args.length + 2);
        all[args.length] = "--data-dir";
        all[args.length + 1] = home.toString();
        return all;
    }

    @Test
    void inKeysModeOnlyAValidUnrevokedKeyGetsThrough() throws Exception {
        server = TestServer.start(db, kafka, Map.of("flux.auth.mode", "keys", "flux.auth.cache-ttl-ms", 0));
        Cli created = Cli.run(withDataDir("keys", "create", "--tenant", "acme", "--role", "read-only"));
        assertThat(created.exitCode()).isZero();
        String token = created.out().strip();
        assertThat(token).startsWith("flux_");
        assertThat(created.err()).contains("only time it is shown");

        HttpResponse<String> none = server.get("/v1/whoami");
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
        assertThat(none.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"flux\"");
        assertThat(none.body()).contains("\"type\":\"https://flux.dev/problems/unauthorized\"").contains("\"status\":401");
        assertThat(server.get("/v1/whoami", "Authorization", "Bearer nonsense").statusCode()).isEqualTo(401);
        assertThat(server.get("/v1/whoami", "Authorization", "Basic " + token).statusCode()).isEqualTo(401);

        HttpResponse<String> me = server.get("/v1/whoami", "Authorization", "Bearer " + token);
        assertThat(me.statusCode()).isEqualTo(200);
        assertThat(me.body()).contains("\"tenant_id\":\"acme\"").contains("\"role\":\"read-only\"");
        HttpResponse<String> health = server.get("/health");
        assertThat(health.statusCode()).as("open to probes without a key: %s", health.body()).isEqualTo(200);

        String id = token.substring(5, 13);
        Cli revoked = Cli.run(withDataDir("keys", "revoke", id));
        assertThat(revoked.exitCode()).isZero();
        assertThat(revoked.out()).contains("revoked key " + id);
        assertThat(server.get("/v1/whoami", "Authorization", "Bearer " + token).statusCode()).isEqualTo(401);
    }

    @Test
    void aReadOnlyKeyMayReadButWritingIsForbidden() throws Exception {
        try (var c = db.connect(); var st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS notes (id int PRIMARY KEY, tenant_id text, body text)");
            st.execute("INSERT INTO notes VALUES (1, 'acme', 'kept') ON CONFLICT DO NOTHING");
        }
        server = TestServer.start(db, kafka, Map.of("flux.auth.mode", "keys"));
        String reader = Cli.run(withDataDir("keys", "create", "--tenant", "acme", "--role", "read-only")).out().strip();
        String auth = "Bearer " + reader;
        assertThat(server.post("/v1/query", "{\"table\":\"notes\",\"operation\":\"select\"}", "Authorization", auth)
                .statusCode()).isEqualTo(200);
        HttpResponse<String> write = server.post("/v1/query",
                "{\"table\":\"notes\",\"operation\":\"insert\",\"data\":{\"id\":2,\"body\":\"no\"}}",
                "Authorization", auth);
        assertThat(write.statusCode()).isEqualTo(403);
        assertThat(write.body()).contains("https://flux.dev/problems/forbidden").contains("read-only");
        HttpResponse<String> tx = server.post("/v1/transaction", "{\"queries\":[{\"table\":\"notes\",\"operation\":"
                + "\"select\"},{\"table\":\"notes\",\"operation\":\"delete\",\"all\":true}]}", "Authorization", auth);
        assertThat(tx.statusCode()).isEqualTo(403);
        try (var c = db.connect(); var st = c.createStatement();
             var rs = st.executeQuery("SELECT count(*) FROM notes")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(1);
        }
    }

    @Test
    void openModeLetsEveryCallerInAsAdminWithoutATenant() throws Exception {
        server = TestServer.start(db, kafka, Map.of("flux.auth.mode", "open"));
        HttpResponse<String> me = server.get("/v1/whoami");
        assertThat(me.statusCode()).isEqualTo(200);
        assertThat(me.body()).contains("\"auth\":\"open\"").contains("\"role\":\"admin\"");
    }

    @Test
    void keysListShowsTenantsAndRolesButNeverSecrets() throws Exception {
        String token = Cli.run(withDataDir("keys", "create", "--tenant", "globex", "--role", "admin",
                "--name", "ops")).out().strip();
        Cli list = Cli.run(withDataDir("keys", "list"));
        assertThat(list.exitCode()).isZero();
        assertThat(list.out()).contains(token.substring(5, 13)).contains("globex").contains("admin").contains("ops")
                .doesNotContain(token.substring(14));
        Cli json = Cli.run(withDataDir("keys", "list", "--json"));
        assertThat(json.out()).contains("\"tenant_id\" : \"globex\"").doesNotContain(token.substring(14));
    }

    @Test
    void badInputIsAUsageErrorAndAMissingKeyOrDatabaseIsAFailure() throws Exception {
        Cli role = Cli.run(withDataDir("keys", "create", "--tenant", "acme", "--role", "root"));
        assertThat(role.exitCode()).isEqualTo(2);
        assertThat(role.err()).contains("unknown role \"root\"");
        Cli tenant = Cli.run(withDataDir("keys", "create", "--tenant", "a b"));
        assertThat(tenant.exitCode()).isEqualTo(2);
        assertThat(tenant.err()).contains("tenant id must be");
        Cli unknown = Cli.run(withDataDir("keys", "revoke", "deadbeef"));
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err().strip()).isEqualTo("flux: no API key with id deadbeef");
        Cli nowhere = Cli.run("keys", "list", "--data-dir", home.resolve("nothing-here").toString());
        assertThat(nowhere.exitCode()).isEqualTo(1);
        assertThat(nowhere.err()).startsWith("flux: no database: set DATABASE_URL (or --database-url), or start `flux serve`");
    }
}

package flux.app.http.auth;

import static org.assertj.core.api.Assertions.assertThat;

import flux.app.Cli;
import flux.app.TestServer;
import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestKafka;
import flux.dev.testing.TestPostgres;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A credential is verified whenever it is presented, in {@code open} mode as in {@code keys} mode
 * (the convention of PostgREST and Supabase): {@code open} admits only requests that carry none.
 * An invalid, revoked or non-Bearer credential is 401 problem+json everywhere, probes included; a
 * valid key is scoped to its tenant and role exactly as in keys mode.
 */
@ExtendWith(FluxTestInfra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PresentedKeysIT {
    private final TestPostgres db;
    private final Path home;
    private final TestServer open;
    private final String acme;
    private final String acmeReader;
    private final String revoked;

    PresentedKeysIT(TestPostgres pg, TestKafka kafka, @TempDir Path home) throws Exception {
        db = pg.newDatabase("presented_keys");
        this.home = home;
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE notes (id int PRIMARY KEY, tenant_id text NOT NULL, body text)");
            st.execute("INSERT INTO notes VALUES (1, 'pk-acme', 'mine'), (2, 'pk-globex', 'theirs')");
        }
        acme = key("pk-acme", "read-write");
        acmeReader = key("pk-acme", "read-only");
        revoked = key("pk-acme", "admin");
        assertThat(Cli.against(db, home, "keys", "revoke", revoked.substring(5, 13)).exitCode()).isZero();
        open = TestServer.start(db, kafka, Map.of("flux.auth.mode", "open", "flux.auth.cache-ttl-ms", 0));
    }

    @AfterAll
    void stop() {
        open.close();
    }

    private String key(String tenant, String role) throws Exception {
        Cli created = Cli.against(db, home, "keys", "create", "--tenant", tenant, "--role", role);
        assertThat(created.exitCode()).as(created.err()).isZero();
        return created.out().strip();
    }

    private HttpResponse<String> get(String path, String authorization) throws Exception {
        return authorization == null ? open.get(path) : open.get(path, "Authorization", authorization);
    }

    private HttpResponse<String> select(String authorization) throws Exception {
        String body = "{\"table\":\"notes\",\"operation\":\"select\",\"columns\":[\"body\"],\"order\":[{\"column\":\"id\"}]}";
        return authorization == null ? open.post("/v1/query", body)
                : open.post("/v1/query", body, "Authorization", authorization);
    }

    @Test
    void inOpenModeARequestWithoutCredentialsIsAdminWithoutATenant() throws Exception {
        HttpResponse<String> me = get("/v1/whoami", null);
        assertThat(me.statusCode()).isEqualTo(200);
        assertThat(me.body()).isEqualTo("{\"auth\":\"open\",\"role\":\"admin\"}");
        assertThat(select(null).body()).contains("mine").contains("theirs");
    }

    @Test
    void inOpenModeAnInvalidRevokedOrForeignCredentialIs401AndChangesNothing() throws Exception {
        for (String credential : List.of("Bearer not-a-key", "Bearer " + revoked, "Bearer flux_00000000_" + "A".repeat(43),
                "Basic dXNlcjpwYXNz", "Bearer", acme)) {
            for (String path : List.of("/v1/whoami", "/health", "/prometheus")) {
                HttpResponse<String> r = get(path, credential);
                assertThat(r.statusCode()).as(credential + " " + path).isEqualTo(401);
                assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                        v -> assertThat(v).startsWith("application/problem+json"));
                assertThat(r.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"flux\"");
                assertThat(r.body()).contains("https://flux.dev/problems/unauthorized").doesNotContain(acme);
            }
            HttpResponse<String> write = open.post("/v1/query", "{\"table\":\"notes\",\"operation\":\"delete\",\"all\":true}",
                    "Authorization", credential);
            assertThat(write.statusCode()).as(credential).isEqualTo(401);
        }
        assertThat(one("SELECT count(*) FROM notes")).isEqualTo("2");
    }

    @Test
    void inOpenModeAValidKeyIsScopedToItsTenantAndRoleAsInKeysMode() throws Exception {
        HttpResponse<String> me = get("/v1/whoami", "Bearer " + acme);
        assertThat(me.statusCode()).isEqualTo(200);
        assertThat(me.body()).contains("\"tenant_id\":\"pk-acme\"").contains("\"role\":\"read-write\"")
                .contains("\"key_id\":\"" + acme.substring(5, 13) + "\"");
        HttpResponse<String> rows = select("Bearer " + acme);
        assertThat(rows.statusCode()).isEqualTo(200);
        assertThat(rows.body()).contains("mine").doesNotContain("theirs");

        HttpResponse<String> readOnlyWrite = open.post("/v1/query", "{\"table\":\"notes\",\"operation\":\"update\","
                + "\"data\":{\"body\":\"x\"},\"all\":true}", "Authorization", "Bearer " + acmeReader);
        assertThat(readOnlyWrite.statusCode()).isEqualTo(403);
        assertThat(readOnlyWrite.body()).contains("https://flux.dev/problems/forbidden");
        assertThat(one("SELECT string_agg(body, ',' ORDER BY id) FROM notes")).isEqualTo("mine,theirs");
    }

    @Test
    void probesStayOpenWithoutCredentialsAndATenantsKeyMayNotReadTheServersMetrics() throws Exception {
        assertThat(get("/health", null).statusCode()).isEqualTo(200);
        assertThat(get("/prometheus", null).statusCode()).isEqualTo(200);
        assertThat(get("/health", "Bearer " + acme).statusCode()).isEqualTo(200);
        HttpResponse<String> metrics = get("/prometheus", "Bearer " + acme);
        assertThat(metrics.statusCode()).isEqualTo(403);
        assertThat(metrics.body()).contains("https://flux.dev/problems/forbidden").doesNotContain("flux_query");
    }

    private String one(String sql) throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}

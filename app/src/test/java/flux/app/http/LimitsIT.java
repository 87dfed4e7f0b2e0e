package flux.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import flux.app.TestServer;
import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestKafka;
import flux.dev.testing.TestPostgres;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The server's limits, each set low for the test and each answered with a stable problem type
 * (docs/query-api.md, "Limits"): the body size (413), queries per transaction and values per
 * {@code in} list (400), the statement timeout and an exhausted pool (503, the latter with
 * Retry-After), and clients that stall mid-request (closed, never holding up others). Whatever is
 * refused changes nothing.
 */
@ExtendWith(FluxTestInfra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class LimitsIT {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final TestPostgres db;
    private final TestServer server;

    LimitsIT(TestPostgres pg, TestKafka kafka) throws Exception {
        db = pg.newDatabase("limits");
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE counters (id int PRIMARY KEY, value int NOT NULL)");
        }
        server = TestServer.start(db, kafka, Map.of(
                "micronaut.server.max-request-size", 2048,
                "flux.http.request-read-timeout", "1s",
                "flux.query.max-transaction-queries", 3,
                "flux.query.max-in-values", 3,
                "flux.query.statement-timeout", "300ms",
                "flux.database.pool-size", 2,
                "flux.database.min-idle", 2,
                "flux.database.connection-timeout", "300ms"));
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @BeforeEach
    void reset() throws Exception {
        sql("TRUNCATE counters, flux.state_mutations; INSERT INTO counters VALUES (1, 10), (2, 20)");
    }

    private static String bump(int id) {
        return "{\"table\":\"counters\",\"operation\":\"update\",\"data\":{\"value\":99},"
                + "\"filters\":[{\"column\":\"id\",\"op\":\"eq\",\"value\":" + id + "}]}";
    }

    @Test
    void aBodyOverTheLimitIs413WhetherItsLengthIsDeclaredOrStreamed() throws Exception {
        String big = "{\"table\":\"counters\",\"operation\":\"update\",\"all\":true,\"data\":{\"value\":"
                + " ".repeat(4000) + "1}}";
        assertProblem(post("/v1/query", big), 413, "body-too-large");
        HttpRequest chunked = HttpRequest.newBuilder(URI.create(server.url() + "/v1/query"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new java.io.ByteArrayInputStream(big.getBytes(StandardCharsets.UTF_8))))
                .build();
        assertProblem(HTTP.send(chunked, HttpResponse.BodyHandlers.ofString()), 413, "body-too-large");
        assertUnchanged();
    }

    @Test
    void moreQueriesThanATransactionTakesAndLongerInListsAre400AndRunNothing() throws Exception {
        String four = "{\"queries\":[" + String.join(",", Collections.nCopies(4, bump(1))) + "]}";
        assertProblem(post("/v1/transaction", four), 400, "too-many-queries");
        assertThat(post("/v1/transaction", "{\"queries\":[" + String.join(",", Collections.nCopies(3, bump(1)))
                + "]}").statusCode()).isEqualTo(200);
        reset();
        HttpResponse<String> inList = post("/v1/query", "{\"table\":\"counters\",\"operation\":\"delete\","
                + "\"filters\":[{\"column\":\"id\",\"op\":\"in\",\"value\":[1,2,3,4]}]}");
        assertProblem(inList, 400, "too-many-values");
        assertThat(inList.body()).contains("at most 3");
        assertUnchanged();
    }

    @Test
    void aStatementPastTheTimeoutIs503StatementTimeoutAndChangesNothing() throws Exception {
        try (Connection holder = db.connect(); Statement st = holder.createStatement()) {
            holder.setAutoCommit(false);
            st.execute("SELECT * FROM counters WHERE id = 1 FOR UPDATE");
            HttpResponse<String> r = post("/v1/query", bump(1));
            assertProblem(r, 503, "statement-timeout");
            assertThat(r.body()).contains("\"sqlstate\":\"57014\"").contains("flux.query.statement-timeout");
            holder.rollback();
        }
        assertUnchanged();
    }

    @Test
    void aPoolWithNoFreeConnectionIsAnswered503WithRetryAfterInsteadOfAHang() throws Exception {
        DataSource pool = server.context().getBean(DataSource.class);
        post("/v1/query", "{\"table\":\"counters\",\"operation\":\"select\"}"); // catalog loaded
        List<Connection> held = new ArrayList<>();
        try {
            held.add(pool.getConnection());
            held.add(pool.getConnection());
            HttpResponse<String> r = post("/v1/query", bump(1));
            assertProblem(r, 503, "pool-exhausted");
            assertThat(r.headers().firstValue("Retry-After")).contains("1");
            assertProblem(post("/v1/admin/tenants/purge", ""), 503, "pool-exhausted");
            assertProblem(server.get("/v1/admin/tenants/extensions"), 503, "pool-exhausted");
        } finally {
            for (Connection c : held) {
                c.close();
            }
        }
        assertUnchanged();
        assertThat(post("/v1/query", bump(1)).statusCode()).as("served again once a connection is free").isEqualTo(200);
    }

    @Test
    void clientsThatStallMidBodyAreDisconnectedAndDoNotHoldUpOthers() throws Exception {
        List<Socket> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                Socket s = connect();
                s.getOutputStream().write(("POST /v1/query HTTP/1.1\r\nHost: flux\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 500\r\n\r\n" + bump(1).substring(0, 30)).getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                stalled.add(s);
            }
            assertThat(post("/v1/query", "{\"table\":\"counters\",\"operation\":\"select\"}").statusCode())
                    .as("answered while 20 clients stall").isEqualTo(200);
            for (Socket s : stalled) {
                awaitClosedByServer(s);
            }
        } finally {
            for (Socket s : stalled) {
                s.close();
            }
        }
        assertUnchanged();
    }

    @Test
    void aClientTricklingItsRequestHeadIsDisconnectedAtTheDeadlineThoughNeverIdle() throws Exception {
        try (Socket s = connect()) {
            byte[] head = "POST /v1/query HTTP/1.1\r\nHost: flux\r\nX-Padding: ".getBytes(StandardCharsets.US_ASCII);
            s.getOutputStream().write(head);
            Thread trickler = new Thread(() -> {
                try {
                    while (!Thread.currentThread().isInterrupted()) {
                        s.getOutputStream().write('x'); // a byte every 100 ms: never read-idle
                        s.getOutputStream().flush();
                        Thread.sleep(100);
                    }
                } catch (Exception closed) {
                    // the server hung up
                }
            });
            trickler.start();
            try {
                awaitClosedByServer(s);
            } finally {
                trickler.interrupt();
            }
        }
    }

    private Socket connect() throws Exception {
        return new Socket("127.0.0.1", URI.create(server.url()).getPort());
    }

    /** Reads until the server closes the connection; the deadline is 1 s, so 15 s without is a failure. */
    private static void awaitClosedByServer(Socket s) throws Exception {
        s.setSoTimeout(15_000);
        InputStream in = s.getInputStream();
        while (in.read() >= 0) {
            // whatever the server says before it closes (nothing, or an error) is not the point
        }
    }

    private void assertUnchanged() throws Exception {
        assertThat(one("SELECT string_agg(id || '=' || value, ',' ORDER BY id) FROM counters")).isEqualTo("1=10,2=20");
        assertThat(one("SELECT count(*) FROM flux.state_mutations WHERE status = 'committed'")).isEqualTo("0");
    }

    private static void assertProblem(HttpResponse<String> r, int status, String type) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                v -> assertThat(v).startsWith("application/problem+json"));
        assertThat(r.body()).contains("\"type\":\"https://flux.dev/problems/" + type + "\"");
    }

    private HttpResponse<String> post(String path, String json) throws Exception {
        return server.post(path, json);
    }

    private void sql(String sql) throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private String one(String sql) throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}

package flux.app.cli.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import flux.app.TestServer;
import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestKafka;
import flux.dev.testing.TestPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Generated request ids are time-ordered (UUIDv7): requests a moment apart share their first 8
 * characters. The CLI prints each as the shortest prefix no other request id has, and takes that
 * prefix back; a prefix several ids share is refused, naming them.
 */
@ExtendWith(FluxTestInfra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ShortRequestIdsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SHORT = Pattern.compile("req:(\\S+)");
    private final TestServer server;
    private final List<String> requestIds = new ArrayList<>();

    ShortRequestIdsIT(TestPostgres postgres, TestKafka kafka) throws Exception {
        server = TestServer.start(postgres.newDatabase("short_ids"), kafka, Map.of());
        DataSource dataSource = server.context().getBean(DataSource.class);
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE users (id int PRIMARY KEY, plan text NOT NULL)");
        }
        HttpClient http = HttpClient.newHttpClient();
        String[] queries = {"{\"table\": \"users\", \"operation\": \"insert\", \"data\": {\"id\": 42, \"plan\": \"free\"}}",
                "{\"table\": \"users\", \"operation\": \"update\", \"data\": {\"plan\": \"pro\"}, \"filters\":"
                        + " [{\"column\": \"id\", \"op\": \"eq\", \"value\": 42}]}",
                "{\"table\": \"users\", \"operation\": \"update\", \"data\": {\"plan\": \"team\"}, \"filters\":"
                        + " [{\"column\": \"id\", \"op\": \"eq\", \"value\": 42}]}"};
        for (String query : queries) { // no X-Request-Id: the server makes one
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/v1/query"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(query)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            requestIds.add(JSON.readTree(r.body()).get("request_id").asText());
        }
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    void historyPrintsAShortFormPerRequestThatDiffersBetweenThemAndIsTakenBack() {
        CliRun history = CliRun.of("state", "history", "users", "--id", "42", "--url", server.url());
        assertThat(history.exitCode()).as(history.err()).isZero();
        List<String> shortForms = new ArrayList<>();
        Matcher m = SHORT.matcher(history.out());
        while (m.find()) {
            shortForms.add(m.group(1));
        }
        assertThat(shortForms).hasSize(3).doesNotHaveDuplicates();
        for (int i = 0; i < 3; i++) {
            assertThat(requestIds.get(i)).startsWith(shortForms.get(i));
            CliRun request = CliRun.of("state", "request", shortForms.get(i), "--json", "--url", server.url());
            assertThat(request.exitCode()).as(request.err()).isZero();
            assertThat(request.out()).contains("\"request_id\" : \"" + requestIds.get(i) + "\"");
        }
    }

    @Test
    void theWebUiShowsTheCliShortForms() throws Exception {
        CliRun history = CliRun.of("state", "history", "users", "--id", "42", "--url", server.url());
        List<String> cli = new ArrayList<>();
        Matcher m = SHORT.matcher(history.out());
        while (m.find()) {
            cli.add(m.group(1));
        }
        HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(server.url() + "/ui/rows/users/42")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        List<String> ui = new ArrayList<>();
        Matcher shown = Pattern.compile("title=\"[^\"]+\">req ([^<]+)</a>").matcher(page.body());
        while (shown.find()) {
            ui.add(shown.group(1));
        }
        assertThat(cli).hasSize(3);
        assertThat(ui).as("the timeline's and blame's links").containsAll(cli).allSatisfy(s -> assertThat(cli).contains(s));
    }

    @Test
    void aPrefixSeveralRequestsShareIsRefusedWithThem() {
        String a = requestIds.get(0);
        String b = requestIds.get(1);
        int common = 0;
        while (a.charAt(common) == b.charAt(common)) {
            common++;
        }
        CliRun ambiguous = CliRun.of("state", "request", a.substring(0, Math.max(common, 4)), "--url", server.url());
        assertThat(ambiguous.exitCode()).isEqualTo(1);
        assertThat(ambiguous.err()).contains("ambiguous").contains(a).contains(b);
    }

    @Test
    void anIdIsExpandedOnlyWhenTheCallerAsksForPrefixes() throws Exception {
        String a = requestIds.get(0);
        String shortForm = a.substring(0, a.length() - 4);
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> exact = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/v1/requests/"
                + shortForm)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(exact.statusCode()).as("a program naming an id that has no records: unknown, not another request's")
                .isEqualTo(404);
        HttpResponse<String> prefix = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/v1/requests/"
                + shortForm + "?prefix=true")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(prefix.statusCode()).isEqualTo(200);
        assertThat(prefix.body()).contains("\"request_id\":\"" + a + "\"");
    }
}

package flux.app.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import net.jqwik.api.statistics.Statistics;

/**
 * Sends generated requests and judges each answer by what the issue promises of bad input:
 * never a 5xx (the one exception: 503 with {@code Retry-After}, the server's documented answer to
 * an exhausted pool), every error a problem+json whose {@code status} is the answer's (under the
 * web UI's {@code /ui}, an HTML error page showing that status instead), and a
 * rejected request changes no data: the tables read the same afterwards, and the log gained
 * nothing but attempts marked rolled back under the request's own id (a write that fails at
 * the database is recorded that way by design). The state is read after every case, so a
 * change is pinned on the case that made it.
 */
final class Oracle implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RawHttp http;
    private final Connection db;
    private DataState last;
    private String previous = "none";

    Oracle(FuzzServer server) throws SQLException {
        this.http = new RawHttp(server.port());
        this.db = server.connect();
        this.last = DataState.read(db);
    }

    /** Sends the case, checks the answer and what it did to the data, and returns the answer. */
    RawHttp.Answer send(HttpCase request) throws IOException, SQLException {
        RawHttp.Answer answer;
        try {
            answer = http.exchange(request.bytes(), request.head());
        } catch (IOException e) {
            throw new AssertionError("no answer (" + e.getMessage() + ") to\n" + request.shown(), e);
        }
        Statistics.label("status").collect(answer.status());
        String what = "\n" + request.shown() + "\n-> " + answer.status() + " " + HttpCase.printable(answer.body(), 400)
                + "\n(the case before: " + previous + ")";
        DataState before = last;
        last = DataState.read(db); // first: a failed case must not leave the next one compared with stale state
        previous = HttpCase.printable(request.bytes(), 300) + " -> " + answer.status();
        int status = answer.status();
        if (status >= 500) {
            assertThat(status == 503 && answer.header("Retry-After") != null)
                    .as("a 5xx answer other than 503 with Retry-After:" + what).isTrue();
        }
        String type = answer.header("Content-Type");
        if (status >= 400 && !request.head() && request.underUi() && type != null && type.startsWith("text/html")) {
            // The web UI answers a browser: its errors are pages with the API's status (docs/console.md).
            assertThat(new String(answer.body(), StandardCharsets.UTF_8)).as("UI error page:" + what)
                    .contains("<span class=\"status\">" + status + "</span>");
            Statistics.label("problem type").collect("web UI page");
        } else if (status >= 400 && !request.head()) {
            assertThat(type).as("error media type:" + what).startsWith("application/problem+json");
            JsonNode problem;
            try {
                problem = JSON.readTree(answer.body());
            } catch (IOException e) {
                throw new AssertionError("problem body is not JSON (" + e.getMessage().lines().findFirst().orElse("") + "):" + what, e);
            }
            assertThat(problem.path("status").asInt()).as("problem status:" + what).isEqualTo(status);
            assertThat(problem.path("type").asText()).as("problem type:" + what).startsWith("https://flux.dev/problems/");
            // which check refused it (invalid-value and the 409s come from PostgreSQL itself)
            Statistics.label("problem type").collect(problem.path("type").asText().replace("https://flux.dev/problems/", ""));
        }
        if (status / 100 != 2) {
            assertThat(last.tables()).as("table data changed by a rejected request:" + what).isEqualTo(before.tables());
            if (last.logMaxId() != before.logMaxId()) {
                String echoed = answer.header("X-Request-Id");
                List<DataState.Record> added = before.newRecords(db);
                assertThat(added).as("log records added by a rejected request:" + what).allSatisfy(r -> {
                    assertThat(r.status()).isEqualTo("rolled_back");
                    assertThat(r.requestId()).isEqualTo(echoed);
                });
            }
        }
        return answer;
    }

    @Override
    public void close() throws SQLException {
        http.close();
        db.close();
    }
}

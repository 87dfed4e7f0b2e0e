package flux.app.history;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestKafka;
import flux.dev.testing.TestPostgres;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * History in commit order for writes that bypass the API, through the product: the HTTP API, raw
 * SQL, a running (or stopped, then restarted) capture, and history over HTTP.
 */
@ExtendWith(FluxTestInfra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CommitOrderIT {
    private final CapturedServer flux;

    CommitOrderIT(TestPostgres pg, TestKafka kafka) throws Exception {
        flux = new CapturedServer(pg, kafka, "commit_order",
                "CREATE TABLE accounts (id int PRIMARY KEY, plan text NOT NULL, n int NOT NULL)",
                "CREATE TABLE renamed (id int PRIMARY KEY, plan text NOT NULL, n int NOT NULL)",
                "CREATE TABLE emptied (id int PRIMARY KEY, plan text NOT NULL, n int NOT NULL)",
                "CREATE TABLE wide (id int PRIMARY KEY, n int NOT NULL)");
    }

    @AfterAll
    void close() {
        flux.close();
    }

    @Test
    void aRawWriteMadeWhileCaptureIsDownLandsWhereItCommittedOnceCaptureCatchesUp() throws Exception {
        api("r1-insert", insert("accounts", 1, "free", 0));
        flux.stopCapture();
        flux.sql("UPDATE accounts SET plan = 'team', n = 1 WHERE id = 1");
        api("r1-upgrade", update("accounts", 1, "{\"n\": 2}"));
        flux.startCapture();
        flux.awaitCaptured();

        List<JsonNode> entries = history("accounts", 1);
        assertThat(entries).extracting(e -> e.get("source").asText() + ":" + e.get("new").get("n").asInt())
                .containsExactly("api:0", "wal:1", "api:2");
        assertChained(entries);
        JsonNode plan = column(flux.get("/v1/state/accounts/1/blame").body(), "plan");
        assertThat(plan.get("value").asText()).isEqualTo("team");
        assertThat(plan.get("request_id").asText()).as("the raw write set plan").startsWith("wal:");
        assertThat(column(flux.get("/v1/state/accounts/1/blame").body(), "n").get("request_id").asText())
                .isEqualTo("r1-upgrade");
    }

    @Test
    void aRawUpdateOf10000RowsIsRecordedForEachRow() throws Exception {
        flux.sql("INSERT INTO wide SELECT g, 0 FROM generate_series(1, 10000) g");
        flux.sql("UPDATE wide SET n = n + 1 WHERE id <= 10000");
        flux.awaitCaptured();

        assertThat(flux.rows("SELECT count(*) FROM flux.state_mutations WHERE table_name = 'wide' AND operation = 'UPDATE'"
                + " AND source = 'wal'")).containsExactly("10000");
        assertThat(history("wide", 7777)).extracting(e -> e.get("operation").asText()).containsExactly("INSERT", "UPDATE");
    }

    @Test
    void aPrimaryKeyUpdateIsOneEntryThatEndsTheOldKeysHistoryAndStartsTheNewOnes() throws Exception {
        api("k-insert", insert("renamed", 1, "free", 0));
        api("k-api-move", update("renamed", 1, "{\"id\": 2}"));
        flux.sql("UPDATE renamed SET id = 3 WHERE id = 2");
        flux.awaitCaptured();

        assertThat(history("renamed", 1)).extracting(e -> e.get("operation").asText() + " " + e.path("row_id").asText())
                .containsExactly("INSERT ", "UPDATE 2");
        List<JsonNode> moved = history("renamed", 2);
        assertThat(moved).extracting(e -> e.get("request_id").asText()).containsExactly("k-api-move", moved.get(1)
                .get("request_id").asText());
        assertThat(moved.get(0).get("old_row_id").asText()).isEqualTo("1");
        assertThat(moved.get(1).get("old_row_id").asText()).isEqualTo("2");
        assertThat(moved.get(1).get("source").asText()).isEqualTo("wal");
        JsonNode blame = flux.get("/v1/state/renamed/3/blame").body();
        assertThat(blame.get("moved_from").asText()).isEqualTo("2");
        assertThat(column(blame, "plan").get("request_id").asText()).as("set by the insert under key 1")
                .isEqualTo("k-insert");
        assertThat(flux.get("/v1/state/renamed/1/blame").body().get("moved_to").asText()).isEqualTo("2");
        assertThat(flux.capture().status().crossCheck().missing()).as("the API's key change paired with its WAL change").isZero();
        List<JsonNode> messages = flux.messages("renamed", 3);
        assertThat(messages).extracting(m -> m.get("op").asText() + " " + m.get("row_id").asText() + " "
                + m.path("old_row_id").asText()).containsExactly("INSERT 1 ", "UPDATE 2 1", "UPDATE 3 2");
    }

    @Test
    void aTruncateIsRecordedInTheHistoryOfEveryRowItEmptiedAndOnKafka() throws Exception {
        api("t-1", insert("emptied", 1, "free", 0));
        api("t-2", insert("emptied", 2, "free", 0));
        flux.sql("TRUNCATE emptied");
        flux.awaitCaptured();

        for (int id : new int[] {1, 2}) {
            assertThat(history("emptied", id)).extracting(e -> e.get("operation").asText())
                    .containsExactly("INSERT", "TRUNCATE");
            JsonNode blame = flux.get("/v1/state/emptied/" + id + "/blame").body();
            assertThat(blame.get("deleted").asBoolean()).isTrue();
            assertThat(blame.get("deleted_by").get("request_id").asText()).startsWith("wal:");
        }
        assertThat(flux.messages("emptied", 3)).extracting(m -> m.get("op").asText()).containsExactly("INSERT", "INSERT",
                "TRUNCATE");
    }

    private void api(String requestId, String query) throws Exception {
        CapturedServer.Answer answer = flux.post("/v1/query", query, requestId);
        assertThat(answer.status()).as(String.valueOf(answer.body())).isEqualTo(200);
    }

    private static String insert(String table, int id, String plan, int n) {
        return "{\"table\": \"" + table + "\", \"operation\": \"insert\", \"data\": {\"id\": " + id + ", \"plan\": \""
                + plan + "\", \"n\": " + n + "}}";
    }

    private static String update(String table, int id, String data) {
        return "{\"table\": \"" + table + "\", \"operation\": \"update\", \"data\": " + data
                + ", \"filters\": [{\"column\": \"id\", \"op\": \"eq\", \"value\": " + id + "}]}";
    }

    /** Every entry of a row's history, oldest first, read three to a page. */
    private List<JsonNode> history(String table, int id) throws Exception {
        List<JsonNode> entries = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = flux.get("/v1/state/" + table + "/" + id + "/history?order=oldest&limit=3"
                    + (cursor == null ? "" : "&cursor=" + CapturedServer.encode(cursor))).body();
            page.get("entries").forEach(entries::add);
            cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
        } while (cursor != null);
        return entries;
    }

    private static void assertChained(List<JsonNode> entries) {
        for (int i = 1; i < entries.size(); i++) {
            assertThat(entries.get(i).get("old")).as("entry %d's old image", i).isEqualTo(entries.get(i - 1).get("new"));
            assertThat(Instant.parse(entries.get(i).get("at").asText())).as("entry %d's time", i)
                    .isAfterOrEqualTo(Instant.parse(entries.get(i - 1).get("at").asText()));
        }
    }

    private static JsonNode column(JsonNode blame, String name) {
        for (JsonNode line : blame.get("columns")) {
            if (line.get("column").asText().equals(name)) {
                return line;
            }
        }
        throw new AssertionError("no column " + name + " in " + blame);
    }
}

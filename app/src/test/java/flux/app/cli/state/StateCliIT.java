package flux.app.cli.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import flux.app.TestServer;
import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestKafka;
import flux.dev.testing.Seed;
import flux.dev.testing.Seeds;
import flux.dev.testing.TestPostgres;
import flux.query.testing.workload.ExpectedHistory;
import flux.query.testing.workload.HttpExecutor;
import flux.query.testing.workload.Outcome;
import flux.query.testing.workload.Step;
import flux.query.testing.workload.Workload;
import flux.query.testing.workload.WorkloadGenerator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code flux state ...} end to end: the CLI in-process against a Micronaut server on a random
 * port, over a real Postgres written through the server's own {@code POST /v1/query}.
 */
@ExtendWith({FluxTestInfra.class, Seeds.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StateCliIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TIME = "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d";
    private static final String INSERT_REQ = "1a2b3c4d-0000-4000-8000-000000000001";
    private static final String UPGRADE_REQ = "4f9a3b2c-0000-4000-8000-000000000002";
    private static final String CLEAR_REQ = "550e8400-e29b-41d4-a716-446655440000";

    private final TestServer server;
    private final String url;
    private final HttpClient http = HttpClient.newHttpClient();

    StateCliIT(TestPostgres postgres, TestKafka kafka) throws Exception {
        TestPostgres db = postgres.newDatabase("state_cli");
        // Before the server: tables it finds at its first start are no schema change (the schema
        // detector would log them, on the stdout the CLI runs capture, at a moment of its choosing).
        db.execute("CREATE TABLE users (id int PRIMARY KEY, email text NOT NULL, plan text NOT NULL);"
                + "CREATE TABLE seats (org text, n int, holder text, PRIMARY KEY (org, n));"
                + WorkloadGenerator.DDL.formatted("mixed"));
        server = TestServer.start(db, kafka, Map.of());
        url = server.url();
        assertThat(write(INSERT_REQ, "{\"table\": \"users\", \"operation\": \"insert\","
                + " \"data\": {\"id\": 42, \"email\": \"a@b.com\", \"plan\": \"free\"}}")).isEqualTo(200);
        assertThat(write(UPGRADE_REQ, updateUser42("{\"plan\": \"pro\"}"))).isEqualTo(200);
        assertThat(write(CLEAR_REQ, updateUser42("{\"plan\": null}"))).as("NOT NULL: rolled back").isEqualTo(409);
    }

    private static String updateUser42(String data) {
        return "{\"table\": \"users\", \"operation\": \"update\", \"data\": " + data
                + ", \"filters\": [{\"column\": \"id\", \"op\": \"eq\", \"value\": 42}]}";
    }

    /** One request through the server's query API; returns its status. */
    private int write(String requestId, String query) throws Exception {
        return server.post("/v1/query", query, "X-Request-Id", requestId).statusCode();
    }

    @AfterAll
    void stop() {
        server.close();
    }

    private CliRun flux(String... args) {
        String[] withUrl = new String[args.length + 2];
        System.arraycopy(args, 0, withUrl, 0, args.length);
        withUrl[args.length] = "--url";
        withUrl[args.length + 1] = url;
        return CliRun.of(withUrl);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void undoIsRefusedOverALaterChangeThenForcedAndARolledBackRequestHasNothingToUndo() throws Exception {
        String row = "{\"table\": \"users\", \"operation\": \"%s\", \"data\": %s, \"filters\": [{\"column\": \"id\","
                + " \"op\": \"eq\", \"value\": 900}]}";
        assertThat(write("undo-cli-insert", "{\"table\": \"users\", \"operation\": \"insert\","
                + " \"data\": {\"id\": 900, \"email\": \"u@x.io\", \"plan\": \"free\"}}")).isEqualTo(200);
        assertThat(write("undo-cli-upgrade", row.formatted("update", "{\"plan\": \"pro\"}"))).isEqualTo(200);
        assertThat(write("undo-cli-later", row.formatted("update", "{\"plan\": \"team\"}"))).isEqualTo(200);

        CliRun dry = flux("state", "undo", "undo-cli-upgrade", "--dry-run");
        assertThat(dry.exitCode()).as(dry.err()).isEqualTo(1);
        assertThat(dry.out()).contains("update users 900  plan: pro → free").contains("users:900:plan")
                .contains("dry run: nothing changed");
        HttpResponse<String> refused = server.post("/v1/requests/undo-cli-upgrade/undo", "{}");
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/problem+json"));
        JsonNode problem = JSON.readTree(refused.body());
        assertThat(problem.path("type").asText()).endsWith("/undo-conflict");
        assertThat(problem.path("conflicts").get(0).path("request_id").asText()).isEqualTo("undo-cli-later");
        assertThat(problem.path("conflicts").get(0).path("value").asText()).isEqualTo("team");

        CliRun forced = flux("state", "undo", "undo-cli-upgrade", "--force", "users:900:plan", "--json");
        assertThat(forced.exitCode()).as(forced.err()).isZero();
        JsonNode plan = JSON.readTree(forced.out());
        assertThat(plan.path("applied").asBoolean()).isTrue();
        JsonNode now = JSON.readTree(server.post("/v1/query", "{\"table\": \"users\", \"operation\": \"select\","
                + " \"filters\": [{\"column\": \"id\", \"op\": \"eq\", \"value\": 900}]}").body());
        assertThat(now.path("rows").get(0).path("plan").asText()).isEqualTo("free");
        JsonNode undoRecords = JSON.readTree(get("/v1/requests/" + plan.path("undo_request_id").asText()).body());
        assertThat(undoRecords.path("entries").get(0).path("changed_columns").get(0).asText()).isEqualTo("plan");

        HttpResponse<String> asOf = server.post("/v1/query", "{\"table\": \"users\", \"operation\": \"select\","
                + " \"as_of\": \"2026-01-01T00:00:00Z\"}");
        assertThat(asOf.statusCode()).as("users existed before the server journaled it: as-of refused").isEqualTo(400);
        assertThat(JSON.readTree(asOf.body()).path("detail").asText()).contains("as_of").contains("already there");

        CliRun nothing = flux("state", "undo", CLEAR_REQ);
        assertThat(nothing.exitCode()).isEqualTo(1);
        assertThat(nothing.err()).contains("rolled back").contains("nothing to undo");
    }

    @Test
    void aDeletedRowIsRestoredAndDiffedFromTheCli() throws Exception {
        String byId = ", \"filters\": [{\"column\": \"id\", \"op\": \"eq\", \"value\": 901}]}";
        assertThat(write("restore-cli-insert", "{\"table\": \"users\", \"operation\": \"insert\","
                + " \"data\": {\"id\": 901, \"email\": \"r@x.io\", \"plan\": \"free\"}}")).isEqualTo(200);
        assertThat(write("restore-cli-update", "{\"table\": \"users\", \"operation\": \"update\","
                + " \"data\": {\"plan\": \"pro\"}" + byId)).isEqualTo(200);
        assertThat(write("restore-cli-delete", "{\"table\": \"users\", \"operation\": \"delete\"" + byId))
                .isEqualTo(200);
        JsonNode entries = JSON.readTree(get("/v1/state/users/901/history?order=oldest").body()).path("entries");

        CliRun diff = flux("state", "diff", "users", "--id", "901", "--from", entries.get(0).path("at").asText(),
                "--to", entries.get(1).path("at").asText());
        assertThat(diff.exitCode()).as(diff.err()).isZero();
        assertThat(diff.lines()).containsExactly("users 901: updated", "  plan: free → pro");
        CliRun changes = flux("state", "diff", "users", "--from", entries.get(0).path("at").asText(),
                "--to", entries.get(2).path("at").asText(), "--json");
        assertThat(JSON.readTree(changes.out()).path("rows").findValuesAsText("row_id")).contains("901");

        CliRun restored = flux("state", "restore", "users", "--id", "901");
        assertThat(restored.exitCode()).as(restored.err()).isZero();
        assertThat(restored.out()).contains("restored users 901").contains("plan = pro");
        CliRun taken = flux("state", "restore", "users", "--id", "901");
        assertThat(taken.exitCode()).isEqualTo(1);
        assertThat(taken.err()).contains("key is taken");
    }

    @Test
    void historyPrintsTheSeedLines() {
        CliRun run = flux("state", "history", "users", "--id", "42");
        assertThat(run.exitCode()).as(run.err()).isZero();
        List<String> lines = run.lines();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).matches(TIME + " INSERT email=a@b\\.com, plan=free        req:1a2b3c4d");
        assertThat(lines.get(1)).matches(TIME + " UPDATE plan: free → pro                req:4f9a3b2c");
        assertThat(lines.get(2)).matches(TIME + " UPDATE plan: pro → null \\(rolled back\\)  req:550e8400");
        assertThat(lines.get(3)).startsWith("    error 23502: null value in column \"plan\"");
    }

    @Test
    void historyPagesContinueWithTheCursorTheyPrint() {
        CliRun latest = flux("state", "history", "users", "--id", "42", "--limit", "2");
        assertThat(latest.exitCode()).isZero();
        assertThat(latest.lines()).hasSize(3);
        assertThat(latest.lines().get(0)).contains("UPDATE plan: free → pro");
        java.util.regex.Matcher more = java.util.regex.Pattern.compile("--cursor (\\d+)").matcher(latest.err());
        assertThat(more.find()).as(latest.err()).isTrue();
        CliRun older = flux("state", "history", "users", "--id", "42", "--limit", "2", "--cursor", more.group(1));
        assertThat(older.lines()).hasSize(1);
        assertThat(older.lines().get(0)).contains("INSERT email=a@b.com, plan=free");
        assertThat(older.err()).doesNotContain("--cursor");
        CliRun oldest = flux("state", "history", "users", "--id", "42", "--limit", "1", "--oldest");
        assertThat(oldest.lines().get(0)).contains("INSERT");
        assertThat(oldest.err()).contains("newer entries");
    }

    @Test
    void blameNamesTheCommittingRequestAndTheRolledBackLastAttempt() {
        CliRun run = flux("state", "blame", "users", "--id", "42");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.lines()).hasSize(3);
        assertThat(run.lines().get(0)).matches("id     42       req:1a2b3c4d  " + TIME);
        assertThat(run.lines().get(1)).matches("email  a@b\\.com  req:1a2b3c4d  " + TIME);
        assertThat(run.lines().get(2))
                .matches("plan   pro      req:4f9a3b2c  " + TIME + "  \\(last attempt req:550e8400 rolled back\\)");
    }

    @Test
    void jsonOutputIsTheApisJson() throws Exception {
        for (String verb : List.of("history", "blame")) {
            CliRun run = flux("state", verb, "users", "--id", "42", "--json");
            assertThat(run.exitCode()).isZero();
            HttpResponse<String> api = get("/v1/state/users/42/" + verb + (verb.equals("history") ? "?limit=50" : ""));
            assertThat(JSON.readTree(run.out())).isEqualTo(JSON.readTree(api.body()));
        }
        JsonNode blame = JSON.readTree(flux("state", "blame", "users", "--id", "42", "--json").out());
        JsonNode plan = blame.get("columns").get(2);
        assertThat(plan.get("column").asText()).isEqualTo("plan");
        assertThat(plan.get("request_id").asText()).isEqualTo(UPGRADE_REQ);
        assertThat(plan.get("last_attempt").get("request_id").asText()).isEqualTo(CLEAR_REQ);
        assertThat(plan.get("last_attempt").get("status").asText()).isEqualTo("rolled_back");
        assertThat(plan.get("last_attempt").get("value").isNull()).isTrue();
        JsonNode history = JSON.readTree(get("/v1/state/users/42/history").body());
        assertThat(history.get("next_cursor").isNull()).isTrue();
        assertThat(history.get("entries").get(0).get("error").asText()).startsWith("23502: ");
        assertThat(history.get("entries").get(2).get("error").isNull()).isTrue();
    }

    @Test
    void showRebuildsTheRowAtAMoment() throws Exception {
        JsonNode entries = JSON.readTree(get("/v1/state/users/42/history?order=oldest").body()).get("entries");
        Instant upgraded = Instant.parse(entries.get(1).get("at").asText());
        CliRun before = flux("state", "show", "users", "--id", "42", "--at", upgraded.minus(1, ChronoUnit.MICROS).toString());
        assertThat(before.exitCode()).as(before.err()).isZero();
        assertThat(before.lines()).contains("  plan   free");
        CliRun after = flux("state", "show", "users", "--id", "42", "--at", upgraded.toString());
        assertThat(after.lines()).contains("  plan   pro");
        CliRun earlier = flux("state", "show", "users", "--id", "42", "--at", "2001-01-01T00:00:00Z");
        assertThat(earlier.exitCode()).isEqualTo(1);
        assertThat(earlier.err()).contains("did not exist at").contains("not yet inserted");
    }

    @Test
    void requestListsWhatOneRequestDid() {
        CliRun run = flux("state", "request", CLEAR_REQ);
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.lines().get(0)).matches(TIME + " users 42 UPDATE plan: pro → null \\(rolled back\\)  req:550e8400");
    }

    @Test
    void compositeKeysAndDeletedRowsWorkThroughTheCli() throws Exception {
        assertThat(write("seat-add", "{\"table\": \"seats\", \"operation\": \"insert\","
                + " \"data\": {\"org\": \"acme\", \"n\": 7, \"holder\": \"ann\"}}")).isEqualTo(200);
        assertThat(write("seat-drop", "{\"table\": \"seats\", \"operation\": \"delete\", \"filters\":"
                + " [{\"column\": \"org\", \"op\": \"eq\", \"value\": \"acme\"},"
                + " {\"column\": \"n\", \"op\": \"eq\", \"value\": 7}]}")).isEqualTo(200);
        CliRun history = flux("state", "history", "seats", "--id", "acme,7");
        assertThat(history.exitCode()).as(history.err()).isZero();
        assertThat(history.lines()).hasSize(2);
        assertThat(history.lines().get(0)).matches(TIME + " INSERT holder=ann  req:seat-add");
        assertThat(history.lines().get(1)).matches(TIME + " DELETE             req:seat-dro");
        CliRun blame = flux("state", "blame", "seats", "--id", "acme,7");
        assertThat(blame.lines().get(0)).matches("deleted " + TIME + "  req:seat-dro  \\(last values below\\)");
        assertThat(blame.lines()).anyMatch(l -> l.matches("holder  ann   req:seat-add  " + TIME));
        HttpResponse<String> byJsonArray = get("/v1/state/seats/%5B%22acme%22%2C7%5D/blame");
        assertThat(byJsonArray.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(byJsonArray.body()).get("deleted").asBoolean()).isTrue();
        assertThat(JSON.readTree(byJsonArray.body()).get("row_id").asText()).isEqualTo("[\"acme\",\"7\"]");
    }

    /**
     * The seed's requests through {@code POST /v1/query} and {@code /v1/transaction} (some made
     * to fail at a chosen query): each row's history over HTTP is exactly its writes and attempts.
     */
    @Test
    void aSeededMixOfRequestsOverHttpIsWhatTheHistoryApiShows(Seed seed) throws Exception {
        WorkloadGenerator generator = new WorkloadGenerator(seed.random(), "http", 5,
                WorkloadGenerator.Mix.DEFAULT.withoutRawSql().overHttp());
        List<Outcome> outcomes = new Workload(new HttpExecutor(url, "mixed"), null, null).run(generator.next(40));
        for (Outcome o : outcomes) {
            assertThat(o.committed()).as("outcome of %s", o.step()).isEqualTo(((Step.Api) o.step()).commits());
        }
        ExpectedHistory expected = ExpectedHistory.of(outcomes);
        assertThat(expected.rows()).isNotEmpty();
        for (long id : expected.rows().keySet()) {
            JsonNode entries = JSON.readTree(get("/v1/state/mixed/" + id + "/history?order=oldest&limit=1000").body())
                    .get("entries");
            List<ExpectedHistory.Entry> actual = new java.util.ArrayList<>();
            for (JsonNode e : entries) {
                actual.add(new ExpectedHistory.Entry(e.get("operation").asText(), e.get("status").asText(),
                        e.get("source").asText(), e.get("request_id").asText(), image(e.get("old")), image(e.get("new"))));
            }
            assertThat(actual).as("history of row %s", id).containsExactlyElementsOf(expected.entries(id));
        }
    }

    private static JsonNode image(JsonNode node) {
        return node == null || node.isNull() ? null : node;
    }

    @Test
    void unknownTablesAndRowsAreOneLineFailures() {
        CliRun table = flux("state", "history", "nope", "--id", "1");
        assertThat(table.exitCode()).isEqualTo(1);
        assertThat(table.err().strip()).isEqualTo("flux: unknown table \"nope\"");
        CliRun row = flux("state", "blame", "users", "--id", "999");
        assertThat(row.exitCode()).isEqualTo(1);
        assertThat(row.err().strip()).isEqualTo("flux: no history for users row 999");
        CliRun request = flux("state", "request", "never-seen");
        assertThat(request.exitCode()).isEqualTo(1);
        assertThat(request.err().strip()).isEqualTo("flux: no mutations recorded for request never-seen");
    }

    @Test
    void usageErrorsExitWithTwo() {
        assertThat(flux("state", "history", "users").exitCode()).isEqualTo(2);
        assertThat(flux("state", "show", "users", "--id", "42", "--at", "yesterday").exitCode()).isEqualTo(2);
        assertThat(flux("state", "history", "users", "--id", "42", "--limit", "many").exitCode()).isEqualTo(2);
        CliRun zero = flux("state", "history", "users", "--id", "42", "--limit", "0");
        assertThat(zero.exitCode()).isEqualTo(2);
        assertThat(zero.err()).contains("--limit must be between 1 and 1000, not 0");
    }

    @Test
    void httpErrorsAreProblems() throws Exception {
        HttpResponse<String> table = get("/v1/state/nope/1/history");
        assertThat(table.statusCode()).isEqualTo(404);
        assertThat(table.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(JSON.readTree(table.body()).get("type").asText()).isEqualTo("https://flux.dev/problems/unknown-table");
        HttpResponse<String> row = get("/v1/state/users/999/blame");
        assertThat(row.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(row.body()).get("type").asText()).isEqualTo("https://flux.dev/problems/unknown-row");
        for (String bad : List.of("/v1/state/users/42/history?limit=0", "/v1/state/users/42/history?limit=x",
                "/v1/state/users/42/history?order=sideways", "/v1/state/users/42/history?cursor=abc",
                "/v1/state/users/42/at?time=soon", "/v1/state/users/42/at", "/v1/state/a.b.c/1/blame")) {
            HttpResponse<String> response = get(bad);
            assertThat(response.statusCode()).as(bad).isEqualTo(400);
            assertThat(JSON.readTree(response.body()).get("type").asText()).as(bad)
                    .isEqualTo("https://flux.dev/problems/invalid-history-query");
        }
    }
}

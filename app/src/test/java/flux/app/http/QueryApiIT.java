package flux.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestKafka;
import flux.dev.testing.TestPostgres;
import flux.query.model.JsonCodec;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(FluxTestInfra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueryApiIT {
    static final String DDL = """
            CREATE TABLE plans (code text PRIMARY KEY);
            CREATE TABLE users (id integer PRIMARY KEY, email text UNIQUE NOT NULL, plan text REFERENCES plans (code),
                                balance numeric(12,2) NOT NULL DEFAULT 0);
            INSERT INTO plans VALUES ('free'), ('pro');
            """;

    private final FluxHttp http;

    QueryApiIT(TestPostgres pg, TestKafka kafka) {
        http = new FluxHttp(pg, kafka, "queryapi", DDL);
    }

    @AfterAll
    void close() {
        http.close();
    }

    @BeforeEach
    void clean() {
        http.sql("TRUNCATE users, flux.state_mutations RESTART IDENTITY");
    }

    @Test
    void insertThenSelectAnswersRowsUnderTheGivenRequestId() {
        HttpResponse<String> inserted = http.post("/v1/query", """
                {"table": "users", "operation": "insert", "data": {"id": 42, "email": "a@b.com", "plan": "free", "balance": 10.10}}
                """, "X-Request-Id", "req-1a2b3c4d");
        assertThat(inserted.statusCode()).isEqualTo(200);
        assertThat(inserted.headers().firstValue("X-Request-Id")).hasValue("req-1a2b3c4d");
        assertThat(inserted.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        assertThat(inserted.headers().allValues("Date")).as("one IMF-fixdate Date header").singleElement().asString()
                .matches("[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT");
        assertThat(inserted.body()).isEqualTo(
                "{\"request_id\":\"req-1a2b3c4d\",\"rows\":[{\"id\":42,\"email\":\"a@b.com\",\"plan\":\"free\",\"balance\":10.10}]}");

        HttpResponse<String> selected = http.post("/v1/query", """
                {"table": "public.users", "operation": "select", "columns": ["email", "balance"],
                 "filters": [{"column": "plan", "op": "eq", "value": "free"}], "limit": 10}
                """);
        assertThat(selected.statusCode()).isEqualTo(200);
        JsonNode body = JsonCodec.parse(selected.body());
        String generated = selected.headers().firstValue("X-Request-Id").orElseThrow();
        assertThat(generated).matches("[0-9a-f-]{36}");
        assertThat(body.get("request_id").textValue()).isEqualTo(generated);
        assertThat(body.get("rows").toString()).isEqualTo("[{\"email\":\"a@b.com\",\"balance\":10.10}]");
        assertThat(http.rows("SELECT request_id, operation FROM flux.state_mutations"))
                .containsExactly(List.of("req-1a2b3c4d", "INSERT"));
    }

    @Test
    void writesAnswerTheAffectedRows() {
        http.post("/v1/query", "{\"table\": \"users\", \"operation\": \"insert\", \"data\": [{\"id\": 1, \"email\": \"x\"}, {\"id\": 2, \"email\": \"y\"}]}");
        HttpResponse<String> updated = http.post("/v1/query", """
                {"table": "users", "operation": "update", "data": {"plan": "pro"}, "filters": [{"column": "id", "op": "in", "value": [1, 2]}]}""");
        assertThat(JsonCodec.parse(updated.body()).get("rows")).hasSize(2);
        HttpResponse<String> deleted = http.post("/v1/query", """
                {"table": "users", "operation": "delete", "filters": [{"column": "id", "op": "eq", "value": 2}]}""");
        assertThat(JsonCodec.parse(deleted.body()).get("rows").toString())
                .isEqualTo("[{\"id\":2,\"email\":\"y\",\"plan\":\"pro\",\"balance\":0.00}]");
    }

    @Test
    void errorsAreProblemJsonWithStableTypes() {
        http.post("/v1/query", "{\"table\": \"users\", \"operation\": \"insert\", \"data\": {\"id\": 1, \"email\": \"a@b.com\"}}");
        expectProblem(http.post("/v1/query", "{\"table\": \"nope\", \"operation\": \"select\"}"), 400, "unknown-table");
        expectProblem(http.post("/v1/query", "{\"table\": \"users\", \"operation\": \"select\", \"columns\": [\"nope\"]}"), 400, "unknown-column");
        expectProblem(http.post("/v1/query", "{\"table\": \"users\", \"operation\": \"select\", \"filters\": [{\"column\": \"id\", \"op\": \"~\", \"value\": 1}]}"), 400, "unknown-operator");
        expectProblem(http.post("/v1/query", "{\"table\": \"users\", \"operation\": \"merge\"}"), 400, "unknown-operation");
        expectProblem(http.post("/v1/query", "{\"table\": \"users\", \"operation\": \"select\", \"filters\": [{\"column\": \"id\", \"op\": \"eq\", \"value\": \"abc\"}]}"), 400, "invalid-value");
        expectProblem(http.post("/v1/query", "{\"table\": \"users\", \"operation\": \"update\", \"data\": {\"plan\": \"pro\"}}"), 400, "filters-required");
        expectProblem(http.post("/v1/query", "{\"table\": \"users\", \"operation\": \"insert\", \"data\": {\"id\": 2, \"email\": \"a@b.com\"}}"), 409, "unique-violation");
        expectProblem(http.post("/v1/query", "{\"table\": \"users\", \"operation\": \"insert\", \"data\": {\"id\": 3, \"email\": \"c\", \"plan\": \"gold\"}}"), 409, "foreign-key-violation");
        expectProblem(http.post("/v1/query", "{\"table\": \"users\", \"operation\": \"insert\", \"data\": {\"id\": 3}}"), 409, "constraint-violation");
        expectProblem(http.post("/v1/query", "{\"table\": \"users\", \"operation\": \"select\""), 400, "malformed-json");
        expectProblem(http.post("/v1/query", ""), 400, "malformed-json");
        expectProblem(http.post("/v1/query", "{\"table\": \"users\", \"operation\": \"select\"}", "X-Request-Id", "bad id!"), 400, "invalid-request-id");
        expectProblem(http.post("/v1/query", "{\"table\": \"users\", \"operation\": \"select\", \"x\": " + "1".repeat(2_000_000) + "}"), 413, "body-too-large");
        expectProblem(http.post("/v1/nothing-here", "{}"), 404, "not-found");
        expectProblem(http.send(HttpRequest.newBuilder(http.uri("/v1/query")).GET().build()), 405, "method-not-allowed");
        expectProblem(http.send(HttpRequest.newBuilder(http.uri("/v1/query")).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("select 1")).build()), 415, "unsupported-media-type");
        assertThat(http.rows("SELECT count(*) FROM users")).containsExactly(List.of("1"));
    }

    @Test
    void conflictsEchoTheRequestIdAndTheSqlState() {
        http.post("/v1/query", "{\"table\": \"users\", \"operation\": \"insert\", \"data\": {\"id\": 1, \"email\": \"a\"}}");
        HttpResponse<String> r = http.post("/v1/query", "{\"table\": \"users\", \"operation\": \"insert\", \"data\": {\"id\": 1, \"email\": \"b\"}}",
                "X-Request-Id", "dup-1");
        JsonNode problem = expectProblem(r, 409, "unique-violation");
        assertThat(r.headers().firstValue("X-Request-Id")).hasValue("dup-1");
        assertThat(problem.get("request_id").textValue()).isEqualTo("dup-1");
        assertThat(problem.get("sqlstate").textValue()).isEqualTo("23505");
        assertThat(problem.get("detail").textValue()).contains("users_pkey");
    }

    @Test
    void aFailingTransactionWhoseFirstQuerySucceededChangesNothingAndRecordsBothAttempts() {
        http.post("/v1/query", "{\"table\": \"users\", \"operation\": \"insert\", \"data\": {\"id\": 1, \"email\": \"a@b.com\", \"plan\": \"free\"}}");
        http.sql("TRUNCATE flux.state_mutations");
        HttpResponse<String> r = http.post("/v1/transaction", """
                {"queries": [
                  {"table": "users", "operation": "update", "data": {"plan": "pro"}, "filters": [{"column": "id", "op": "eq", "value": 1}]},
                  {"table": "users", "operation": "insert", "data": {"id": 2, "email": "a@b.com"}}
                ]}""", "X-Request-Id", "tx-550e8400");
        expectProblem(r, 409, "unique-violation");
        assertThat(http.rows("SELECT id, email, plan FROM users")).containsExactly(List.of("1", "a@b.com", "free"));
        String error = "23505: duplicate key value violates unique constraint \"users_email_key\"";
        assertThat(http.rows("""
                SELECT request_id, operation, row_id, old ->> 'plan', new ->> 'plan', status, error
                  FROM flux.state_mutations ORDER BY id""")).containsExactly(
                java.util.Arrays.asList("tx-550e8400", "UPDATE", "1", "free", "pro", "rolled_back", error),
                java.util.Arrays.asList("tx-550e8400", "INSERT", "2", null, null, "rolled_back", error));
    }

    @Test
    void aSuccessfulTransactionAnswersEachQuerysRows() {
        HttpResponse<String> r = http.post("/v1/transaction", """
                {"queries": [
                  {"table": "users", "operation": "insert", "data": {"id": 5, "email": "e"}},
                  {"table": "users", "operation": "select", "columns": ["id"]}
                ]}""", "X-Request-Id", "tx-ok");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"request_id\":\"tx-ok\",\"results\":[{\"rows\":[{\"id\":5,\"email\":\"e\","
                + "\"plan\":null,\"balance\":0.00}]},{\"rows\":[{\"id\":5}]}]}");
    }

    @Test
    void theCatalogFollowsSchemaChangeNotifications() {
        http.sql("ALTER TABLE users ADD COLUMN nickname text");
        expectProblem(http.post("/v1/query", "{\"table\": \"users\", \"operation\": \"select\", \"columns\": [\"nickname\"]}"),
                400, "unknown-column");
        http.sql("NOTIFY flux_schema_changed, 'test'");
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                http.post("/v1/query", "{\"table\": \"users\", \"operation\": \"select\", \"columns\": [\"nickname\"]}")
                        .statusCode()).isEqualTo(200));
        http.sql("ALTER TABLE users DROP COLUMN nickname; NOTIFY flux_schema_changed");
    }

    static JsonNode expectProblem(HttpResponse<String> r, int status, String type) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).as(r.body()).startsWith("application/problem+json");
        JsonNode problem = JsonCodec.parse(r.body());
        assertThat(problem.get("type").textValue()).as(r.body()).isEqualTo("https://flux.dev/problems/" + type);
        assertThat(problem.get("status").intValue()).isEqualTo(status);
        assertThat(problem.get("title").textValue()).isNotBlank();
        return problem;
    }
}

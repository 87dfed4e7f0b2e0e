package flux.app.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.InputFormat;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import flux.app.TestServer;
import flux.client.rest.Answers;
import flux.client.rest.Filter;
import flux.client.rest.FluxProblem;
import flux.client.rest.FluxRestClient;
import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestKafka;
import flux.dev.testing.TestPostgres;
import flux.tenancy.ApiKeyStore;
import flux.tenancy.Role;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /openapi.yml} is served without credentials and is OpenAPI 3.1, and the real answers of
 * every endpoint validate against the schema it gives for them: the 200s, and problem answers
 * (400, 401, 403, 404, 409, 413, 503) of several endpoints, each of which must be documented for its
 * operation and status with the media type it was sent with. The REST client of module
 * {@code client} ({@link FluxRestClient}) makes the writes and reads here, so it is tested against
 * the same server: typed answers, problems as {@link FluxProblem}.
 */
@ExtendWith(FluxTestInfra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private final TestPostgres db;
    private final TestServer server;
    private final FluxRestClient client;

    OpenApiIT(TestPostgres pg, TestKafka kafka, @TempDir Path migrations) throws Exception {
        db = pg.newDatabase("openapi");
        Files.writeString(migrations.resolve("001_notes.sql"),
                "CREATE TABLE notes (id bigint PRIMARY KEY, body text NOT NULL, n numeric, tags text[]);");
        server = TestServer.start(db, kafka, Map.of("flux.migrations.dir", migrations.toString()));
        send("POST", "/v1/admin/schema/apply", "{}");
        client = FluxRestClient.of(URI.create(server.url()));
    }

    @AfterAll
    void close() {
        server.close();
    }

    @Test
    void theDocumentIsServedWithoutCredentialsAsOpenApi31() throws Exception {
        HttpResponse<String> doc = HTTP.send(HttpRequest.newBuilder(URI.create(server.url() + "/openapi.yml"))
                .header("Authorization", "Bearer not-a-key").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(doc.statusCode()).isEqualTo(200);
        assertThat(doc.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/yaml"));
        JsonNode openapi = new YAMLMapper().readTree(doc.body());
        assertThat(openapi.path("openapi").asText()).isEqualTo("3.1.0");
        assertThat(openapi.path("paths").has("/v1/query")).isTrue();
        assertThat(openapi.path("paths").has("/ui")).isFalse();
        assertThat(send("GET", "/v1/whoami", null, "Authorization", "Bearer not-a-key").statusCode()).isEqualTo(401);
    }

    @Test
    void everyEndpointsRealAnswerValidatesAgainstTheDocument() throws Exception {
        JsonNode openapi = new YAMLMapper().readTree(send("GET", "/openapi.yml", null).body());
        Answers.QueryResult inserted = client.insert("notes", Map.of("id", 1, "body", "first", "n", 1.5, "tags", List.of("a")));
        assertThat(inserted.rows()).singleElement().satisfies(r -> assertThat(r.get("body").asText()).isEqualTo("first"));
        client.insert("notes", List.of(Map.of("id", 2, "body", "second"), Map.of("id", 3, "body", "third")));
        Answers.QueryResult updated = client.update("notes", Map.of("body", "changed"), Filter.eq("id", 1));
        String updateRequest = updated.requestId();
        client.delete("notes", Filter.eq("id", 3));
        Answers.TransactionResult tx = client.transaction("openapi-tx", List.of(
                FluxRestClient.queryBody("notes", "update", Map.of("n", 2), Filter.eq("id", 2)),
                FluxRestClient.queryBody("notes", "select", null, Filter.of("id", "in", List.of(1, 2)))));
        assertThat(tx.results()).hasSize(2);
        assertThat(tx.results().get(1).rows()).hasSize(2);
        FluxProblem clash = (FluxProblem) org.assertj.core.api.Assertions.catchThrowable(
                () -> client.insert("notes", Map.of("id", 1, "body", "again")));
        assertThat(clash.status()).isEqualTo(409);
        assertThat(clash.type()).isEqualTo("unique-violation");
        assertThat(clash.sqlState()).isEqualTo("23505");
        assertThatThrownBy(() -> client.select("nope")).isInstanceOfSatisfying(FluxProblem.class,
                p -> assertThat(p.type()).isEqualTo("unknown-table"));

        Answers.HistoryPage history = client.history("notes", "1");
        assertThat(history.entries()).extracting(e -> e.operation() + " " + e.status())
                .containsExactly("INSERT rolled_back", "UPDATE committed", "INSERT committed");
        assertThat(history.entries().get(0).error()).startsWith("23505");
        assertThat(history.entries().get(1).newImage().get("body").asText()).isEqualTo("changed");
        Answers.Blame blame = client.blame("notes", "1");
        assertThat(blame.columns()).extracting(Answers.ColumnBlame::column).contains("id", "body");
        assertThat(client.blame("notes", "3").deleted()).isTrue();
        assertThat(client.request(updateRequest).entries()).singleElement()
                .satisfies(e -> assertThat(e.rowId()).isEqualTo("1"));

        String now = Instant.now().toString();
        String select = "{\"table\":\"notes\",\"operation\":\"select\",\"order\":[{\"column\":\"id\"}]}";
        List<Call> calls = List.of(
                new Call("POST", "/v1/query", "/v1/query", select),
                new Call("POST", "/v1/query", "/v1/query",
                        "{\"table\":\"notes\",\"operation\":\"insert\",\"data\":{\"id\":4,\"body\":\"x\"}}"),
                new Call("POST", "/v1/transaction", "/v1/transaction", "{\"queries\":[" + select + "]}"),
                new Call("GET", "/v1/state/{table}/{id}/history", "/v1/state/notes/1/history", null),
                new Call("GET", "/v1/state/{table}/{id}/history", "/v1/state/notes/3/history?order=oldest&limit=1", null),
                new Call("GET", "/v1/state/{table}/{id}/blame", "/v1/state/notes/1/blame", null),
                new Call("GET", "/v1/state/{table}/{id}/blame", "/v1/state/notes/3/blame", null),
                new Call("GET", "/v1/state/{table}/{id}/at", "/v1/state/notes/1/at?time=" + now, null),
                new Call("GET", "/v1/state/{table}/{id}/at", "/v1/state/notes/1/at?time=2000-01-01T00:00:00Z", null),
                new Call("GET", "/v1/state/{table}/{id}/at", "/v1/state/notes/3/at?time=" + now, null),
                new Call("GET", "/v1/requests/{requestId}", "/v1/requests/" + updateRequest, null),
                new Call("GET", "/v1/requests/{requestId}", "/v1/requests/openapi-tx", null),
                new Call("POST", "/v1/requests/abbreviations", "/v1/requests/abbreviations",
                        "{\"request_ids\":[\"" + updateRequest + "\"]}"),
                new Call("GET", "/v1/whoami", "/v1/whoami", null),
                new Call("GET", "/health", "/health", null),
                new Call("GET", "/v1/observe/traces", "/v1/observe/traces", null),
                new Call("GET", "/v1/observe/slow", "/v1/observe/slow", null),
                new Call("GET", "/v1/observe/nplus1", "/v1/observe/nplus1", null),
                new Call("GET", "/v1/observe/indexes", "/v1/observe/indexes", null),
                new Call("GET", "/v1/admin/schema", "/v1/admin/schema", null),
                new Call("GET", "/v1/admin/schema/status", "/v1/admin/schema/status", null),
                new Call("GET", "/v1/admin/schema/usage", "/v1/admin/schema/usage", null),
                new Call("POST", "/v1/admin/schema/plan", "/v1/admin/schema/plan", "{}"),
                new Call("POST", "/v1/admin/schema/validate", "/v1/admin/schema/validate", "{}"),
                new Call("POST", "/v1/sql", "/v1/sql", "{\"sql\":\"SELECT count(*) FROM notes\"}"),
                new Call("GET", "/v1/sql/audit", "/v1/sql/audit", null),
                new Call("GET", "/v1/admin/tenants/extensions", "/v1/admin/tenants/extensions", null),
                // capture never ran on this database: no snapshots, not a missing relation (was 400)
                new Call("GET", "/v1/capture/snapshots", "/v1/capture/snapshots", null));
        for (Call call : calls) {
            HttpResponse<String> answer = send(call.method(), call.path(), call.body());
            assertThat(answer.statusCode()).as(call + " " + answer.body()).isEqualTo(200);
            assertThat(errors(openapi, call, answer)).as(call + " answered " + answer.body()).isEmpty();
        }
        // The check can fail: a shape the document does not allow is refused.
        Call historyCall = calls.get(3);
        assertThat(errors(openapi, historyCall, 200, "application/json", "{\"table\": 1, \"entries\": \"none\"}"))
                .isNotEmpty();
    }

    @Test
    void problemAnswersAreDocumentedForTheirOperationAndStatusAndValidate() throws Exception {
        JsonNode openapi = new YAMLMapper().readTree(send("GET", "/openapi.yml", null).body());
        send("POST", "/v1/query", "{\"table\":\"notes\",\"operation\":\"insert\",\"data\":{\"id\":100,\"body\":\"x\"}}");
        String reader = "Bearer " + server.context().getBean(ApiKeyStore.class)
                .create("openapi", Role.READ_ONLY, "openapi-reader").token();
        String insert100 = "{\"table\":\"notes\",\"operation\":\"insert\",\"data\":{\"id\":100,\"body\":\"again\"}}";
        List<ProblemCall> problems = List.of(
                new ProblemCall(new Call("POST", "/v1/query", "/v1/query", "{not json"), 400, "malformed-json"),
                new ProblemCall(new Call("GET", "/v1/observe/traces", "/v1/observe/traces?limit=0", null), 400,
                        "invalid-parameter"),
                new ProblemCall(new Call("POST", "/v1/sql", "/v1/sql", "{\"sql\":\"SELECT * FROM no_such_table\"}"), 400,
                        "sql-error"),
                new ProblemCall(new Call("GET", "/v1/state/{table}/{id}/at", "/v1/state/notes/100/at?time=soon", null), 400,
                        "invalid-history-query"),
                new ProblemCall(new Call("POST", "/v1/admin/schema/apply", "/v1/admin/schema/apply", "{nope"), 400,
                        "invalid-json"),
                new ProblemCall(new Call("GET", "/v1/whoami", "/v1/whoami", null, "Authorization", "Bearer not-a-key"), 401,
                        "unauthorized"),
                new ProblemCall(new Call("POST", "/v1/query", "/v1/query", insert100, "Authorization", "Bearer not-a-key"),
                        401, "unauthorized"),
                new ProblemCall(new Call("GET", "/health", "/health", null, "Authorization", "Basic b3Blbg=="), 401,
                        "unauthorized"),
                new ProblemCall(new Call("POST", "/v1/query", "/v1/query", insert100, "Authorization", reader), 403,
                        "forbidden"),
                new ProblemCall(new Call("GET", "/v1/admin/schema", "/v1/admin/schema", null, "Authorization", reader), 403,
                        "forbidden"),
                new ProblemCall(new Call("POST", "/v1/capture/snapshots", "/v1/capture/snapshots", "{\"table\":\"notes\"}",
                        "Authorization", reader), 403, "forbidden"),
                new ProblemCall(new Call("GET", "/v1/state/{table}/{id}/history", "/v1/state/notes/999/history", null), 404,
                        "unknown-row"),
                new ProblemCall(new Call("GET", "/v1/state/{table}/{id}/blame", "/v1/state/no_such_table/1/blame", null), 404,
                        "unknown-table"),
                new ProblemCall(new Call("GET", "/v1/requests/{requestId}", "/v1/requests/no-such-request", null), 404,
                        "unknown-request"),
                new ProblemCall(new Call("GET", "/v1/capture/snapshots/{id}", "/v1/capture/snapshots/no-such-snapshot", null),
                        404, "snapshot-not-found"),
                new ProblemCall(new Call("POST", "/v1/query", "/v1/query", insert100), 409, "unique-violation"),
                new ProblemCall(new Call("POST", "/v1/transaction", "/v1/transaction", "{\"queries\":[" + insert100 + "]}"),
                        409, "unique-violation"),
                new ProblemCall(new Call("POST", "/v1/state/{table}/{id}/restore", "/v1/state/notes/100/restore", null), 409,
                        "undo-refused"),
                new ProblemCall(new Call("POST", "/v1/query", "/v1/query", "{\"table\":\"notes\",\"operation\":\"insert\","
                        + "\"data\":{\"id\":101,\"body\":\"" + "x".repeat(1_100_000) + "\"}}"), 413, "body-too-large"),
                new ProblemCall(new Call("GET", "/v1/capture/status", "/v1/capture/status", null), 503, "capture-disabled"),
                new ProblemCall(new Call("POST", "/v1/capture/snapshots", "/v1/capture/snapshots", "{\"table\":\"notes\"}"),
                        503, "capture-disabled"));
        for (ProblemCall problem : problems) {
            Call call = problem.call();
            HttpResponse<String> answer = send(call.method(), call.path(), call.body(), call.headers());
            String shown = call.method() + " " + call.path().substring(0, Math.min(80, call.path().length()));
            assertThat(answer.statusCode()).as(shown + " answered " + answer.body()).isEqualTo(problem.status());
            assertThat(JSON.readTree(answer.body()).path("type").asText()).as(shown)
                    .isEqualTo("https://flux.dev/problems/" + problem.type());
            assertThat(errors(openapi, call, answer)).as(shown + " answered " + answer.body()).isEmpty();
        }
        // The check can fail: a status the document does not give for the operation is refused.
        assertThatThrownBy(() -> errors(openapi, new Call("GET", "/v1/whoami", "/v1/whoami", null), 404,
                "application/problem+json", "{}")).isInstanceOf(AssertionError.class)
                .hasMessageContaining("404 of GET /v1/whoami");
    }

    private record Call(String method, String template, String path, String body, String... headers) {
    }

    /** A call that must answer {@code status} with a problem of {@code type} (its slug). */
    private record ProblemCall(Call call, int status, String type) {
    }

    /** What is wrong with a real answer by the document's schema for its operation, status and media type. */
    private static List<String> errors(JsonNode openapi, Call call, HttpResponse<String> answer) throws Exception {
        return errors(openapi, call, answer.statusCode(), answer.headers().firstValue("Content-Type").orElse(""),
                answer.body());
    }

    /**
     * What is wrong with {@code answer} by the document's schema of the call's operation for {@code status},
     * of the media type {@code contentType} starts with; fails when the document does not describe that
     * status or media type for the operation.
     */
    private static List<String> errors(JsonNode openapi, Call call, int status, String contentType, String answer)
            throws Exception {
        JsonNode content = openapi.path("paths").path(call.template()).path(call.method().toLowerCase())
                .path("responses").path(String.valueOf(status)).path("content");
        assertThat(content.isObject()).as("the document describes " + status + " of " + call.method() + " "
                + call.template()).isTrue();
        String mediaType = null;
        for (java.util.Iterator<String> it = content.fieldNames(); it.hasNext(); ) {
            String documented = it.next();
            if (contentType.startsWith(documented)) {
                mediaType = documented;
            }
        }
        assertThat(mediaType).as("the document gives " + status + " of " + call.method() + " " + call.template()
                + " as " + contentType + " (it has " + content + ")").isNotNull();
        // The whole document as a JSON Schema (2020-12, OpenAPI 3.1's dialect) whose root refers to
        // the response schema, so its $refs into #/components resolve.
        ObjectNode schema = openapi.deepCopy();
        schema.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        schema.put("$ref", "#/paths/" + pointer(call.template()) + "/" + call.method().toLowerCase()
                + "/responses/" + status + "/content/" + pointer(mediaType) + "/schema");
        return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(JSON.writeValueAsString(schema), InputFormat.JSON)
                .validate(answer, InputFormat.JSON).stream().map(e -> e.getInstanceLocation() + ": " + e.getMessage())
                .toList();
    }

    private static String pointer(String name) {
        return name.replace("~", "~0").replace("/", "~1");
    }

    private HttpResponse<String> send(String method, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}

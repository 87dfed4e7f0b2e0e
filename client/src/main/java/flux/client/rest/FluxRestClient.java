package flux.client.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import flux.client.rest.Answers.Blame;
import flux.client.rest.Answers.HistoryPage;
import flux.client.rest.Answers.QueryResult;
import flux.client.rest.Answers.RequestPage;
import flux.client.rest.Answers.TransactionResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A small client of the Flux REST API over {@link HttpClient}: queries and transactions
 * (docs/query-api.md), history, blame and a request's writes (docs/history.md). Thread-safe and
 * immutable; {@link #withApiKey} gives a copy that sends {@code Authorization: Bearer}. An error
 * answer is a {@link FluxProblem}; a failed connection an {@link UncheckedIOException}; an
 * interrupted call keeps the interrupt and throws {@link IllegalStateException}.
 *
 * <pre>{@code
 * FluxRestClient flux = FluxRestClient.of(URI.create("http://localhost:8080"));
 * flux.insert("users", Map.of("id", 42, "email", "a@b.com"));
 * flux.update("users", Map.of("plan", "pro"), Filter.eq("id", 42));
 * flux.history("users", "42").entries();
 * }</pre>
 */
public final class FluxRestClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private final HttpClient http;
    private final URI base;
    private final String apiKey;

    private FluxRestClient(HttpClient http, URI base, String apiKey) {
        this.http = http;
        this.base = base;
        this.apiKey = apiKey;
    }

    /** A client of the server at {@code base} ({@code http://localhost:8080}). */
    public static FluxRestClient of(URI base) {
        return new FluxRestClient(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build(), base, null);
    }

    public FluxRestClient withApiKey(String key) {
        return new FluxRestClient(http, base, key);
    }

    public QueryResult select(String table, Filter... filters) {
        return query(null, body(table, "select", null, filters));
    }

    public QueryResult insert(String table, Map<String, ?> row) {
        return query(null, body(table, "insert", row, new Filter[0]));
    }

    /** Bulk insert: one statement, one request. */
    public QueryResult insert(String table, List<? extends Map<String, ?>> rows) {
        ObjectNode b = body(table, "insert", null, new Filter[0]);
        b.set("data", JSON.valueToTree(rows));
        return query(null, b);
    }

    public QueryResult update(String table, Map<String, ?> data, Filter... filters) {
        return query(null, body(table, "update", data, filters));
    }

    public QueryResult delete(String table, Filter... filters) {
        return query(null, body(table, "delete", null, filters));
    }

    /**
     * Any query in the JSON shape of {@code POST /v1/query} ({@link #queryBody} starts one).
     *
     * @param requestId sent as {@code X-Request-Id}; null lets the server make one
     */
    public QueryResult query(String requestId, ObjectNode body) {
        return send(post("/v1/query", body, requestId), QueryResult.class);
    }

    /** All queries in one transaction under one request id: all commit or none do. */
    public TransactionResult transaction(String requestId, List<ObjectNode> queries) {
        ObjectNode b = JSON.createObjectNode();
        ArrayNode list = b.putArray("queries");
        queries.forEach(list::add);
        return send(post("/v1/transaction", b, requestId), TransactionResult.class);
    }

    /** A query body to complete (columns, order, limit...) and pass to {@link #query} or {@link #transaction}. */
    public static ObjectNode queryBody(String table, String operation, Map<String, ?> data, Filter... filters) {
        return body(table, operation, data, filters);
    }

    /** The first page, newest first, of a row's history ({@code id}: the key; composite keys {@code acme,7}). */
    public HistoryPage history(String table, String id) {
        return history(table, id, "newest", 50, null);
    }

    /** @param order {@code newest} or {@code oldest}; @param cursor the previous page's {@code nextCursor}, or null */
    public HistoryPage history(String table, String id, String order, int limit, String cursor) {
        String query = "?order=" + encode(order) + "&limit=" + limit + (cursor == null ? "" : "&cursor=" + encode(cursor));
        return send(get("/v1/state/" + encode(table) + "/" + encode(id) + "/history" + query), HistoryPage.class);
    }

    public Blame blame(String table, String id) {
        return send(get("/v1/state/" + encode(table) + "/" + encode(id) + "/blame"), Blame.class);
    }

    /** Everything a request wrote ({@code requestId}: the whole id or a unique prefix of 4+ characters), first page. */
    public RequestPage request(String requestId) {
        return send(get("/v1/requests/" + encode(requestId)), RequestPage.class);
    }

    private static ObjectNode body(String table, String operation, Map<String, ?> data, Filter[] filters) {
        ObjectNode b = JSON.createObjectNode();
        b.put("table", table);
        b.put("operation", operation);
        if (data != null) {
            b.set("data", JSON.valueToTree(data));
        }
        if (filters.length > 0) {
            ArrayNode list = b.putArray("filters");
            for (Filter f : filters) {
                ObjectNode n = list.addObject();
                n.put("column", f.column());
                n.put("op", f.op());
                n.set("value", JSON.valueToTree(f.value()));
            }
        }
        return b;
    }

    private HttpRequest.Builder builder(String path) {
        HttpRequest.Builder r = HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT)
                .header("Accept", "application/json");
        if (apiKey != null) {
            r.header("Authorization", "Bearer " + apiKey);
        }
        return r;
    }

    private HttpRequest get(String path) {
        return builder(path).GET().build();
    }

    private HttpRequest post(String path, JsonNode body, String requestId) {
        HttpRequest.Builder r = builder(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (requestId != null) {
            r.header("X-Request-Id", requestId);
        }
        return r.build();
    }

    private <T> T send(HttpRequest request, Class<T> answer) {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + request.method() + " " + request.uri(), e);
        }
        if (response.statusCode() >= 400) {
            throw new FluxProblem(response.statusCode(), problem(response), response.body());
        }
        try {
            return JSON.readValue(response.body(), answer);
        } catch (IOException e) {
            throw new UncheckedIOException("unexpected answer to " + request.uri() + ": " + e.getMessage(), e);
        }
    }

    private static JsonNode problem(HttpResponse<String> response) {
        boolean json = response.headers().firstValue("Content-Type").map(t -> t.contains("json")).orElse(false);
        if (!json) {
            return null;
        }
        try {
            JsonNode n = JSON.readTree(response.body());
            return n != null && n.isObject() ? n : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** A path segment: the table and key go into the URL percent-encoded (docs/history.md, "Naming tables and rows"). */
    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}

package flux.query.testing.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import flux.query.model.JsonCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Applies API steps over HTTP: one write as {@code POST /v1/query}, several as
 * {@code POST /v1/transaction}, with the step's {@code X-Request-Id}. A failed request's
 * {@link Outcome#sqlState()} is the problem's {@code sqlstate}. Steps whose caller aborts have no
 * HTTP form and are refused.
 */
public final class HttpExecutor implements Workload.Executor {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String baseUrl;
    private final String table;

    /** {@code baseUrl}: the server, e.g. {@code http://127.0.0.1:8080}. */
    public HttpExecutor(String baseUrl, String table) {
        this.baseUrl = baseUrl;
        this.table = table;
    }

    @Override
    public Outcome apply(Step step) {
        Step.Api api = (Step.Api) step;
        if (api.callerAborts()) {
            throw new IllegalArgumentException("an HTTP request has no caller code to abort: " + api.requestId());
        }
        String path;
        JsonNode body;
        if (api.writes().size() == 1) {
            path = "/v1/query";
            body = api.writes().get(0).toJson(table);
        } else {
            path = "/v1/transaction";
            ObjectNode tx = JsonCodec.mapper().createObjectNode();
            ArrayNode queries = tx.putArray("queries");
            api.writes().forEach(w -> queries.add(w.toJson(table)));
            body = tx;
        }
        HttpResponse<String> response = post(path, api.requestId(), JsonCodec.write(body));
        if (response.statusCode() == 200) {
            return Outcome.committed(step);
        }
        JsonNode problem = JsonCodec.parse(response.body());
        if (response.statusCode() >= 500 || !problem.has("sqlstate")) {
            throw new IllegalStateException("step " + api.requestId() + " failed unexpectedly: "
                    + response.statusCode() + " " + response.body());
        }
        return Outcome.failed(step, problem.get("sqlstate").asText());
    }

    private HttpResponse<String> post(String path, String requestId, String json) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").header("X-Request-Id", requestId)
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("POST " + path + " for step " + requestId, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during step " + requestId, e);
        }
    }
}

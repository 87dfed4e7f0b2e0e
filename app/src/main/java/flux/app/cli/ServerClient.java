package flux.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The CLI's client for a running server ({@code FLUX_URL}, default http://localhost:8080).
 * Errors become {@link CliFailure}s with one line: the problem+json {@code detail} when
 * the server sent one, otherwise the status or the connection failure.
 */
public final class ServerClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final URI base;
    private final HttpClient http;
    /** Sent as {@code Authorization: Bearer}; null or blank: none (a server in open mode). */
    private final String apiKey;

    public ServerClient(String baseUrl) {
        this(baseUrl, null);
    }

    public ServerClient(String baseUrl, String apiKey) {
        this.apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey.strip();
        String url = baseUrl == null || baseUrl.isBlank() ? "http://localhost:8080" : baseUrl.strip();
        this.base = URI.create(url.endsWith("/") ? url : url + "/");
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    public URI base() {
        return base;
    }

    /** GET a path relative to the base (no leading slash needed); the body as JSON. */
    public JsonNode get(String path) {
        return send(HttpRequest.newBuilder(resolve(path)).GET());
    }

    public JsonNode post(String path, JsonNode body) {
        try {
            return send(HttpRequest.newBuilder(resolve(path))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))));
        } catch (IOException e) {
            throw new CliFailure("cannot encode the request: " + e.getMessage(), e);
        }
    }

    /** DELETE a path relative to the base; the body as JSON. */
    public JsonNode delete(String path) {
        return send(HttpRequest.newBuilder(resolve(path)).DELETE());
    }

    private URI resolve(String path) {
        return base.resolve(path.startsWith("/") ? path.substring(1) : path);
    }

    private JsonNode send(HttpRequest.Builder request) {
        if (apiKey != null) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.timeout(Duration.ofSeconds(30)).header("Accept", "application/json").build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new CliFailure("cannot reach the flux server at " + base + " (is `flux serve` running? set FLUX_URL)");
        } catch (IOException e) {
            throw new CliFailure("request to " + base + " failed: " + ExitCodes.oneLine(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliFailure("interrupted", e);
        }
        JsonNode body = parse(response.body());
        if (response.statusCode() >= 400) {
            String detail = body != null && body.hasNonNull("detail") ? body.get("detail").asText()
                    : body != null && body.hasNonNull("title") ? body.get("title").asText()
                    : "HTTP " + response.statusCode();
            throw new ServerError(response.statusCode(), detail, body);
        }
        return body;
    }

    private static JsonNode parse(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            return null;
        }
    }

    /** The server answered with an error status; {@link #status()} tells which. */
    public static final class ServerError extends CliFailure {
        private final int status;
        private final JsonNode problem;

        ServerError(int status, String detail, JsonNode problem) {
            super(detail);
            this.status = status;
            this.problem = problem;
        }

        public int status() {
            return status;
        }

        /** The problem+json body, or null when the server sent none (or not JSON). */
        public JsonNode problem() {
            return problem;
        }
    }
}

package flux.app.cli.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import flux.app.cli.ServerClient;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * Options every verb that asks a running server shares ({@code flux state}, {@code flux sql},
 * {@code flux observe}, {@code flux capture status}): where it is, the key, JSON output.
 */
public final class ServerOptions {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--url", paramLabel = "URL",
            description = "Server URL (env FLUX_URL, default http://localhost:8080).",
            defaultValue = "${env:FLUX_URL:-}")
    String url;

    @Option(names = "--api-key", paramLabel = "KEY",
            description = "API key for a server in keys mode (env FLUX_API_KEY); a tenant's key sees its tenant's only.",
            defaultValue = "${env:FLUX_API_KEY:-}")
    String apiKey;

    @Option(names = "--json", description = "Print the server's JSON (the API's shape) instead of text.")
    boolean json;

    public boolean json() {
        return json;
    }

    public ServerClient client() {
        return new ServerClient(url, apiKey);
    }

    /**
     * How these answers read as text, their request ids by the short forms the server gives (one
     * more request; a server that cannot answer it leaves them at their first 8 characters).
     */
    HistoryText text(JsonNode... answers) {
        Map<String, String> shortForms = new HashMap<>();
        Set<String> ids = HistoryText.requestIds(answers);
        if (!ids.isEmpty()) {
            try {
                ObjectNode query = JSON.createObjectNode();
                ids.forEach(query.putArray("request_ids")::add);
                client().post("v1/requests/abbreviations", query).path("abbreviations").fields()
                        .forEachRemaining(e -> shortForms.put(e.getKey(), e.getValue().asText()));
            } catch (RuntimeException e) {
                // an older server: the first 8 characters, as before
            }
        }
        return new HistoryText(ZoneId.systemDefault(), Palette.detect(), shortForms);
    }

    public static void printJson(PrintWriter out, JsonNode body) {
        try {
            out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        out.flush();
    }

    /** One path segment, percent-encoded (a space is %20 in a path, not +). */
    static String segment(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Checks --limit before asking the server, so a bad value is a usage error (exit 2). */
    public static int limit(CommandSpec spec, int limit) {
        if (limit < 1 || limit > 1000) {
            throw new ParameterException(spec.commandLine(), "--limit must be between 1 and 1000, not " + limit);
        }
        return limit;
    }

    static String query(String name, Object value) {
        return value == null ? "" : "&" + name + "=" + URLEncoder.encode(value.toString(), StandardCharsets.UTF_8);
    }
}

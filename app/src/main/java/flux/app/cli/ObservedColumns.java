package flux.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import flux.migrate.ColumnUsage;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The columns API queries used recently, as a running server observed them
 * ({@code GET /v1/admin/schema/usage}): the query shapes live in the server's memory only, so
 * the CLI asks the server at {@code FLUX_URL}; without one, lint says it could not check.
 */
final class ObservedColumns {
    private ObservedColumns() {
    }

    static ColumnUsage fetch(String url, String apiKey, List<String> notes) {
        ServerClient server = new ServerClient(url, apiKey);
        JsonNode body;
        try {
            body = server.get("v1/admin/schema/usage");
        } catch (CliFailure e) {
            notes.add("column usage not checked: " + e.getMessage());
            return ColumnUsage.NONE;
        }
        Map<String, Long> counts = new HashMap<>();
        for (JsonNode c : body.path("columns")) {
            counts.put(c.path("table").asText() + "." + c.path("column").asText(), c.path("statements").asLong());
        }
        return ColumnUsage.of(counts, body.path("window").asText("recent API statements") + " at " + server.base());
    }
}

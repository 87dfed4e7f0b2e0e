package flux.app.cli.state;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** How an undo's plan and its conflicts read in a terminal (the JSON is the API's, {@code --json}). */
final class UndoText {
    private final HistoryText text;

    UndoText(HistoryText text) {
        this.text = text;
    }

    List<String> plan(JsonNode plan) {
        List<String> lines = new ArrayList<>();
        String undone = "req:" + text.shortId(plan.path("request_id").asText());
        lines.add((plan.path("applied").asBoolean() ? "undid " : "would undo ") + undone
                + (plan.hasNonNull("undoes") ? " (itself the undo of req:" + text.shortId(plan.path("undoes").asText())
                + ": this redoes it)" : "") + ", " + plan.path("steps").size() + " step"
                + (plan.path("steps").size() == 1 ? "" : "s"));
        for (JsonNode step : plan.path("steps")) {
            lines.add("  " + step.path("action").asText() + " " + step.path("table").asText() + " "
                    + step.path("row_id").asText() + "  " + columns(step));
        }
        lines.addAll(conflicts(plan.path("conflicts")));
        lines.add(plan.path("applied").asBoolean() ? "applied as req:" + plan.path("undo_request_id").asText()
                : "dry run: nothing changed");
        return lines;
    }

    List<String> conflicts(JsonNode conflicts) {
        List<String> lines = new ArrayList<>();
        if (conflicts.isEmpty()) {
            return lines;
        }
        lines.add("later changes (" + conflicts.size() + "):");
        for (JsonNode c : conflicts) {
            lines.add("  " + c.path("table").asText() + ":" + c.path("row_id").asText() + ":" + c.path("column").asText()
                    + "  " + c.path("operation").asText().toLowerCase(java.util.Locale.ROOT) + " by req:"
                    + text.shortId(c.path("request_id").asText()) + " (" + c.path("source").asText() + ") "
                    + text.time(c.path("at").asText()) + ", now " + HistoryText.value(c.path("value"))
                    + (c.path("forced").asBoolean() ? "  [forced]" : ""));
        }
        return lines;
    }

    private static String columns(JsonNode step) {
        List<String> parts = new ArrayList<>();
        boolean update = "update".equals(step.path("action").asText());
        for (JsonNode c : step.path("columns")) {
            parts.add(update ? c.path("column").asText() + ": " + HistoryText.value(c.path("from")) + " → "
                    + HistoryText.value(c.path("to"))
                    : c.path("column").asText() + "=" + HistoryText.value("insert".equals(step.path("action").asText())
                    ? c.path("to") : c.path("from")));
        }
        return String.join(", ", parts);
    }
}

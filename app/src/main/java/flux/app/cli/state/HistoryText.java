package flux.app.cli.state;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The text forms of history JSON (the server's answers) for the terminal. One place for how
 * an entry reads: {@code 2026-03-10 14:22 UPDATE plan: free → pro   req:4f9a3b2c}.
 * Times print in the given zone, to the minute; request ids by their short forms (the shortest
 * prefix no other request id has, as the server computed them: generated ids are time-ordered, so
 * their first 8 characters are shared by every request of a minute), else their first 8
 * characters; the tenant after the request when the entry has one.
 */
final class HistoryText {
    private static final int MAX_VALUE = 40;
    private static final int SHORT = 8;
    private final ZoneId zone;
    private final Palette palette;
    private final Map<String, String> shortForms;
    private final DateTimeFormatter minutes = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    HistoryText(ZoneId zone, Palette palette) {
        this(zone, palette, Map.of());
    }

    /** @param shortForms request id to the short form to print ({@code POST /v1/requests/abbreviations}) */
    HistoryText(ZoneId zone, Palette palette, Map<String, String> shortForms) {
        this.zone = zone;
        this.palette = palette;
        this.shortForms = shortForms;
    }

    /** The same text with other short forms of request ids. */
    HistoryText withShortForms(Map<String, String> forms) {
        return new HistoryText(zone, palette, forms);
    }

    /**
     * The lines of a history page (or a request's entries when {@code withRow}); items with a
     * {@code change} are the table's schema changes among them ({@link #timeline}).
     */
    List<String> entries(Iterable<JsonNode> entries, Set<String> keyColumns, boolean withRow) {
        List<String> heads = new ArrayList<>();
        List<String> descriptions = new ArrayList<>();
        int width = 0;
        for (JsonNode e : entries) {
            String head = time(e.path("at").asText());
            if (withRow) {
                head += " " + e.path("table").asText() + " " + e.path("row_id").asText();
            }
            String description = e.has("change") ? schemaChange(e) : describe(e, keyColumns);
            heads.add(head);
            descriptions.add(description);
            width = Math.max(width, description.length());
        }
        List<String> lines = new ArrayList<>();
        int i = 0;
        for (JsonNode e : entries) {
            String description = descriptions.get(i);
            if (e.has("change")) {
                String migration = e.hasNonNull("migration") ? "  " + e.get("migration").asText() : "";
                lines.add(heads.get(i) + " " + palette.bold(description) + " ".repeat(width - description.length() + 2)
                        + palette.dim("schema" + migration));
                i++;
                continue;
            }
            String padded = colour(e, description) + " ".repeat(width - description.length() + 2);
            String tenant = e.hasNonNull("tenant_id") ? "  tenant:" + e.get("tenant_id").asText() : "";
            lines.add(heads.get(i) + " " + padded + palette.dim("req:" + shortId(e.path("request_id").asText()) + tenant));
            if (e.hasNonNull("error")) {
                lines.add("    " + palette.red("error " + e.get("error").asText()));
            }
            i++;
        }
        return lines;
    }

    /** {@code UPDATE plan: free → pro (rolled back)}, uncoloured (its length aligns the columns). */
    String describe(JsonNode e, Set<String> keyColumns) {
        String operation = e.path("operation").asText();
        StringBuilder s = new StringBuilder(operation);
        String change = switch (operation) {
            case "INSERT", "READ" -> assignments(e.path("new"), keyColumns);
            case "UPDATE" -> changes(e) + (e.hasNonNull("old_row_id") ? " (key " + e.get("old_row_id").asText() + " → "
                    + e.path("row_id").asText() + ")" : "");
            case "TRUNCATE" -> "(the table was emptied)";
            default -> "";
        };
        if (!change.isEmpty()) {
            s.append(' ').append(change);
        }
        if ("rolled_back".equals(e.path("status").asText())) {
            s.append(" (rolled back)");
        }
        String source = e.path("source").asText();
        if ("wal".equals(source) || "snapshot".equals(source) || "console".equals(source)) {
            s.append(" (").append(source).append(')');
        }
        if (e.path("renamed").isObject() && !e.path("renamed").isEmpty()) {
            List<String> renames = new ArrayList<>();
            e.get("renamed").fields().forEachRemaining(r -> renames.add(r.getKey() + " was " + r.getValue().asText()));
            s.append(" (").append(String.join(", ", renames)).append(')');
        }
        return s.toString();
    }

    /** A change to the table's shape among a row's entries: {@code RENAME COLUMN a → a2}. */
    static String schemaChange(JsonNode c) {
        String column = c.path("column").asText();
        return switch (c.path("change").asText()) {
            case "create_table" -> "CREATE TABLE " + c.path("table").asText();
            case "drop_table" -> "DROP TABLE " + c.path("table").asText();
            case "rename_table" -> "RENAME TABLE " + c.path("old_table").asText() + " → " + c.path("table").asText();
            case "add_column" -> "ADD COLUMN " + column + " " + c.path("type").asText();
            case "drop_column" -> "DROP COLUMN " + column;
            case "rename_column" -> "RENAME COLUMN " + c.path("old_column").asText() + " → " + column;
            case "alter_column_type" -> "ALTER COLUMN " + column + " TYPE " + c.path("old_type").asText() + " → "
                    + c.path("type").asText();
            case "alter_primary_key" -> "ALTER PRIMARY KEY";
            default -> c.path("change").asText();
        };
    }

    private String colour(JsonNode e, String description) {
        String operation = e.path("operation").asText();
        String rest = description.substring(operation.length());
        String op = switch (operation) {
            case "INSERT", "READ" -> palette.green(operation);
            case "UPDATE" -> palette.yellow(operation);
            default -> palette.red(operation);
        };
        return op + ("rolled_back".equals(e.path("status").asText()) ? palette.red(rest) : rest);
    }

    /** {@code email=a@b.com, plan=free}: the non-key, non-null columns of an image. */
    private static String assignments(JsonNode image, Set<String> keyColumns) {
        List<String> parts = new ArrayList<>();
        for (Iterator<String> it = image.fieldNames(); it.hasNext(); ) {
            String column = it.next();
            JsonNode value = image.get(column);
            if (!keyColumns.contains(column) && !value.isNull()) {
                parts.add(column + "=" + value(value));
            }
        }
        return String.join(", ", parts);
    }

    /** {@code plan: free → pro, n: 1 → 2}; an old value the record does not have prints as ?. */
    private static String changes(JsonNode e) {
        JsonNode old = e.path("old");
        JsonNode after = e.path("new");
        List<String> columns = new ArrayList<>();
        if (e.path("changed_columns").isArray()) {
            e.get("changed_columns").forEach(c -> columns.add(c.asText()));
        } else {
            after.fieldNames().forEachRemaining(c -> {
                if (!after.get(c).equals(old.get(c))) {
                    columns.add(c);
                }
            });
        }
        if (columns.isEmpty()) {
            return "(no change)";
        }
        List<String> parts = new ArrayList<>();
        for (String c : columns) {
            parts.add(c + ": " + (old.has(c) ? value(old.get(c)) : "?") + " → "
                    + (after.has(c) ? value(after.get(c)) : "?"));
        }
        return String.join(", ", parts);
    }

    /** Blame: one aligned line per column, after a header when the row is deleted. */
    List<String> blame(JsonNode blame) {
        List<String> lines = new ArrayList<>();
        if (blame.path("deleted").asBoolean()) {
            JsonNode by = blame.path("deleted_by");
            lines.add(palette.red("deleted") + " " + time(by.path("at").asText()) + "  "
                    + palette.dim("req:" + shortId(by.path("request_id").asText())) + "  (last values below)");
        }
        int nameWidth = 0;
        int valueWidth = 0;
        for (JsonNode c : blame.path("columns")) {
            nameWidth = Math.max(nameWidth, c.path("column").asText().length());
            valueWidth = Math.max(valueWidth, value(c.path("value")).length());
        }
        for (JsonNode c : blame.path("columns")) {
            String name = c.path("column").asText();
            String value = value(c.path("value"));
            StringBuilder line = new StringBuilder()
                    .append(palette.bold(name)).append(" ".repeat(nameWidth - name.length() + 2))
                    .append(value).append(" ".repeat(valueWidth - value.length() + 2));
            if (c.hasNonNull("request_id")) {
                line.append(palette.dim("req:" + shortId(c.get("request_id").asText()))).append("  ")
                        .append(time(c.path("at").asText()));
            } else {
                line.append(palette.dim("req:-   ")).append("      no committed write on record");
            }
            JsonNode attempt = c.path("last_attempt");
            if (attempt.isObject()) {
                line.append("  ").append(palette.red("(last attempt req:" + shortId(attempt.path("request_id").asText())
                        + " rolled back)"));
            }
            lines.add(line.toString().stripTrailing());
        }
        return lines;
    }

    /** A row as of a moment: a header naming the record it comes from, then column and value lines. */
    List<String> snapshot(JsonNode snapshot) {
        List<String> lines = new ArrayList<>();
        JsonNode m = snapshot.path("mutation");
        lines.add(snapshot.path("table").asText() + " " + snapshot.path("row_id").asText() + " at "
                + time(snapshot.path("time").asText()) + "  " + palette.dim("(" + m.path("operation").asText()
                + " req:" + shortId(m.path("request_id").asText()) + " " + time(m.path("at").asText()) + ")"));
        JsonNode row = snapshot.path("row");
        int width = 0;
        for (Iterator<String> it = row.fieldNames(); it.hasNext(); ) {
            width = Math.max(width, it.next().length());
        }
        for (Iterator<String> it = row.fieldNames(); it.hasNext(); ) {
            String column = it.next();
            lines.add("  " + palette.bold(column) + " ".repeat(width - column.length() + 2) + value(row.get(column)));
        }
        return lines;
    }

    String time(String instant) {
        if (instant == null || instant.isEmpty()) {
            return "?";
        }
        return minutes.format(Instant.parse(instant).atZone(zone));
    }

    String shortId(String requestId) {
        String known = shortForms.get(requestId);
        return known != null ? known : requestId.length() <= SHORT ? requestId : requestId.substring(0, SHORT);
    }

    /** Every request id in these answers (fields named {@code request_id}, at any depth). */
    static Set<String> requestIds(JsonNode... answers) {
        Set<String> ids = new LinkedHashSet<>();
        for (JsonNode answer : answers) {
            collect(answer, ids);
        }
        return ids;
    }

    private static void collect(JsonNode node, Set<String> ids) {
        if (node == null) {
            return;
        }
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (field.getKey().equals("request_id") && field.getValue().isTextual()) {
                    ids.add(field.getValue().asText());
                } else {
                    collect(field.getValue(), ids);
                }
            }
        } else if (node.isArray()) {
            node.forEach(child -> collect(child, ids));
        }
    }

    /** A value for one line: strings bare, others as JSON, long ones cut. */
    static String value(JsonNode value) {
        String text = value == null || value.isMissingNode() ? "?" : value.isTextual() ? value.asText() : value.toString();
        text = text.replace('\n', ' ');
        return text.length() <= MAX_VALUE ? text : text.substring(0, MAX_VALUE - 1) + "…";
    }

    /** A history page's entries and its schema changes in one list, by time; entries in the page's order first. */
    static List<JsonNode> timeline(List<JsonNode> entriesOldestFirst, JsonNode schemaChanges) {
        List<JsonNode> items = new ArrayList<>(entriesOldestFirst);
        int at = 0;
        for (JsonNode change : schemaChanges) {
            Instant when = Instant.parse(change.path("at").asText());
            while (at < items.size() && !Instant.parse(items.get(at).path("at").asText()).isAfter(when)) {
                at++;
            }
            items.add(at, change);
            at++;
        }
        return items;
    }

    static Set<String> keyColumns(JsonNode page) {
        Set<String> keys = new HashSet<>();
        page.path("key_columns").forEach(k -> keys.add(k.asText()));
        return keys;
    }
}

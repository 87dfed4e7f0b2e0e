package flux.app.console;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** A console statement's result as text, laid out as psql does: aligned columns, a row count. */
final class ResultTable {
    private ResultTable() {
    }

    static List<String> render(JsonNode statement) {
        List<String> lines = new ArrayList<>();
        JsonNode columns = statement.path("columns");
        if (columns.isEmpty()) {
            JsonNode count = statement.path("row_count");
            lines.add(count.isNull() || count.isMissingNode() ? "OK" : "(" + count.asLong() + " rows affected)");
            return lines;
        }
        int n = columns.size();
        int[] width = new int[n];
        List<String[]> cells = new ArrayList<>();
        String[] header = new String[n];
        for (int i = 0; i < n; i++) {
            header[i] = columns.get(i).path("name").asText();
            width[i] = header[i].length();
        }
        for (JsonNode row : statement.path("rows")) {
            String[] cell = new String[n];
            for (int i = 0; i < n; i++) {
                JsonNode v = row.get(i);
                cell[i] = v == null || v.isNull() ? "" : v.asText().replace("\n", "\\n");
                width[i] = Math.max(width[i], cell[i].length());
            }
            cells.add(cell);
        }
        lines.add(line(header, width, ' ', " | "));
        String[] rule = new String[n];
        java.util.Arrays.fill(rule, "");
        lines.add(line(rule, width, '-', "-+-"));
        for (String[] cell : cells) {
            lines.add(line(cell, width, ' ', " | "));
        }
        int rows = cells.size();
        lines.add("(" + rows + (rows == 1 ? " row" : " rows") + (statement.path("truncated").asBoolean()
                ? ", cut at the console's row limit)" : ")"));
        return lines;
    }

    private static String line(String[] cells, int[] width, char pad, String separator) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                b.append(separator);
            }
            b.append(cells[i]);
            b.append(String.valueOf(pad).repeat(width[i] - cells[i].length()));
        }
        return b.toString().stripTrailing();
    }
}

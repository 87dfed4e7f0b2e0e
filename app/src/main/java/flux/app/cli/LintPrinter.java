package flux.app.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import flux.migrate.LintFinding;
import flux.migrate.LintReport;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How lint's findings print: one line each, as {@code file:line  rule  message}; or JSON. */
final class LintPrinter {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final PrintWriter out;

    LintPrinter(PrintWriter out) {
        this.out = out;
    }

    void text(LintReport report, long largeRows) {
        if (report.files().isEmpty()) {
            out.println("lint: nothing pending");
            return;
        }
        out.println("lint: " + report.files().size() + " pending file" + (report.files().size() == 1 ? "" : "s")
                + " run on what the applied migrations produce (in " + report.builtIn() + "); tables of " + largeRows
                + " rows or more are large");
        int where = report.findings().stream().mapToInt(f -> (f.file() + ":" + f.line()).length()).max().orElse(1);
        int rule = report.findings().stream().mapToInt(f -> f.rule().label().length()).max().orElse(1);
        for (LintFinding f : report.findings()) {
            out.printf("  %-" + where + "s  %-" + rule + "s  %s%n", f.file() + ":" + f.line(), f.rule().label(), f.message());
        }
        report.notes().forEach(n -> out.println("note: " + n));
        out.println(report.findings().isEmpty() ? "nothing to flag"
                : report.findings().size() + " warning" + (report.findings().size() == 1 ? "" : "s")
                + " (--strict makes them fail)");
    }

    void json(LintReport report, List<String> notes) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("files", report.files());
        body.put("built_in", report.builtIn());
        body.put("findings", report.findings().stream().map(f -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("file", f.file());
            m.put("line", f.line());
            m.put("rule", f.rule().label());
            m.put("risk", f.rule().risk());
            m.put("message", f.message());
            return m;
        }).toList());
        body.put("notes", notes);
        try {
            out.println(JSON.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}

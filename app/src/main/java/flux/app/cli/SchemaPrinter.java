package flux.app.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import flux.migrate.Difference;
import flux.migrate.SchemaComparison;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How {@code flux db diff} and {@code flux db drift} print a comparison: readable text, or JSON. */
final class SchemaPrinter {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final PrintWriter out;

    SchemaPrinter(PrintWriter out) {
        this.out = out;
    }

    /** One line per difference, with the definitions on each side ({@code targetName}: "desired" or "expected"). */
    void differences(List<Difference> differences, String targetName) {
        int kindWidth = differences.stream().mapToInt(d -> d.kind().length()).max().orElse(1);
        for (Difference d : differences) {
            out.printf("  %-8s %-" + kindWidth + "s  %s%n", d.change().label(), d.kind(), d.name());
            if (d.live() != null) {
                out.println("      live:     " + oneLine(d.live()));
            }
            if (d.target() != null) {
                out.printf("      %-9s %s%n", targetName + ":", oneLine(d.target()));
            }
        }
    }

    void script(SchemaComparison comparison) {
        out.print(comparison.script());
    }

    /** The comparison as JSON: differences with {@code live} and {@code targetName}, the SQL, notes. */
    void json(SchemaComparison comparison, String targetName, Map<String, Object> head) {
        Map<String, Object> body = new LinkedHashMap<>(head);
        body.put("built_in", comparison.builtIn());
        body.put("differences", comparison.differences().stream().map(d -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("change", d.change().label());
            m.put("kind", d.kind());
            m.put("name", d.name());
            m.put("live", d.live());
            m.put(targetName, d.target());
            return m;
        }).toList());
        body.put("destructive", comparison.destructive());
        body.put("sql", comparison.script());
        body.put("notes", comparison.notes());
        try {
            out.println(JSON.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String oneLine(String definition) {
        String s = definition.strip().replaceAll("\\s+", " ");
        return s.length() > 160 ? s.substring(0, 157) + "..." : s;
    }
}

package flux.bench.crash;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one verification found: figures (counted by name, printed in order of insertion) and
 * violations of a promise, each a sentence naming the request or row. A run passes when there
 * are no violations.
 */
final class Verdict {
    private static final int SHOWN = 20;

    private final Map<String, Long> figures = new java.util.LinkedHashMap<>();
    private final Map<String, Long> violationsByKind = new TreeMap<>();
    private final List<String> examples = new ArrayList<>();

    void count(String figure) {
        add(figure, 1);
    }

    void add(String figure, long n) {
        figures.merge(figure, n, Long::sum);
    }

    void set(String figure, long n) {
        figures.put(figure, n);
    }

    long figure(String name) {
        return figures.getOrDefault(name, 0L);
    }

    /** A broken promise: {@code kind} groups them in the report, {@code detail} names the request or row. */
    void violation(String kind, String detail) {
        violationsByKind.merge(kind, 1L, Long::sum);
        if (examples.size() < SHOWN) {
            examples.add(kind + ": " + detail);
        }
    }

    boolean passed() {
        return violationsByKind.isEmpty();
    }

    Map<String, Long> figures() {
        return figures;
    }

    Map<String, Long> violations() {
        return violationsByKind;
    }

    List<String> examples() {
        return examples;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        figures.forEach((k, v) -> s.append(String.format("  %-48s %,d%n", k, v)));
        if (passed()) {
            s.append("  violations                                       0\n");
        } else {
            violationsByKind.forEach((k, v) -> s.append(String.format("  VIOLATION %-38s %,d%n", k, v)));
            examples.forEach(e -> s.append("    ").append(e).append('\n'));
        }
        return s.toString();
    }
}

package flux.migrate;

import java.util.Map;

/**
 * Which columns API queries used recently, for lint: dropping or renaming one of them breaks
 * those queries. The server knows from the query shapes it observes (the trace window of
 * {@code flux.observe}); they are not stored, so the CLI asks a running server, or has none.
 */
public interface ColumnUsage {
    ColumnUsage NONE = of(Map.of(), null);

    /** Recent statements on {@code schema.table} that named {@code column}; with column null, any of its columns. */
    long statements(String schema, String table, String column);

    /** What "recently" means, for messages ("the last 10000 API statements"); null when nothing was observed. */
    String window();

    /** Usage from counts keyed {@code schema.table.column}. */
    static ColumnUsage of(Map<String, Long> counts, String window) {
        Map<String, Long> copy = Map.copyOf(counts);
        return new ColumnUsage() {
            @Override
            public long statements(String schema, String table, String column) {
                if (column != null) {
                    return copy.getOrDefault(schema + "." + table + "." + column, 0L);
                }
                String prefix = schema + "." + table + ".";
                return copy.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                        .mapToLong(Map.Entry::getValue).max().orElse(0);
            }

            @Override
            public String window() {
                return window;
            }
        };
    }
}

package flux.app.migrate;

import flux.migrate.ColumnUsage;
import flux.observe.DbSpans;
import flux.observe.QueryObservers;
import flux.observe.TenantView;
import flux.observe.TraceSpan;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The columns API queries used recently, from the statements in the query observer's trace
 * window: each statement's table ({@code db.collection.name}) and the quoted identifiers of its
 * text (the engine quotes every column it names, and a select without a column list names them
 * all). Memory only: it covers the window since the server started.
 */
final class ObservedUsage {
    private static final Pattern QUOTED = Pattern.compile("\"((?:[^\"]|\"\")+)\"");

    private ObservedUsage() {
    }

    /** Statements per {@code schema.table.column}, in name order. */
    static Map<String, Long> counts(QueryObservers observers) {
        Map<String, Long> counts = new TreeMap<>();
        for (TraceSpan span : observers.traces().recent(null, TenantView.ALL, observers.traces().capacity())) {
            Object table = span.attributes().get(DbSpans.DB_COLLECTION_NAME);
            Object text = span.attributes().get(DbSpans.DB_QUERY_TEXT);
            if (table == null || text == null) {
                continue;
            }
            String qualified = table.toString();
            String bareTable = qualified.substring(qualified.indexOf('.') + 1);
            Matcher m = QUOTED.matcher(text.toString());
            java.util.Set<String> named = new java.util.HashSet<>();
            while (m.find()) {
                String name = m.group(1).replace("\"\"", "\"");
                if (!name.equals(bareTable) && !qualified.startsWith(name + ".") && named.add(name)) {
                    counts.merge(qualified + "." + name, 1L, Long::sum);
                }
            }
        }
        return counts;
    }

    static String window(QueryObservers observers) {
        return "the last " + Math.min(observers.traces().capacity(), observers.traces().recorded()) + " API statements";
    }

    static ColumnUsage of(QueryObservers observers) {
        return ColumnUsage.of(counts(observers), window(observers));
    }
}

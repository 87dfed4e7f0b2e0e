package flux.observe;

import flux.pg.Identifiers;
import flux.query.QueryTrace;
import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Index suggestions from repeated filter columns. {@link #record} counts, per column, the
 * statements that filter on it (cheap, on the analysis thread). {@link #advise} judges the
 * candidates against the database at the time it is called, so a suggestion disappears as soon
 * as the index exists: a column is suggested only when (1) it was filtered at least
 * {@code minFilters} times, (2) no valid, non-partial index of its table has it as leading
 * column, (3) the table has at least {@code minRows} rows by the planner's estimate, and (4) the
 * planner, asked for the plan of a statement that filtered on it, scans the table sequentially
 * and keeps at most {@link #MAX_SELECTIVITY} of its rows (an index would not help a filter
 * that keeps most rows).
 *
 * <p>Filters are counted per tenant. An operator's view ({@link TenantView#ALL}) adds up every
 * tenant's counts per column; a tenant's view counts only its own statements and judges only
 * columns it filtered, so it learns nothing of other tenants' queries.
 */
public final class IndexAdvisor {
    static final double MAX_SELECTIVITY = 0.2;
    private static final int MAX_COLUMNS = 5_000;
    private static final int MAX_CANDIDATES = 50;

    /** The table's row estimate and the valid, non-partial indexes led by the column. */
    private static final String TABLE_FACTS = """
            SELECT CASE WHEN c.reltuples >= 0 THEN c.reltuples::bigint ELSE coalesce(s.n_live_tup, 0) END,
                   (SELECT string_agg(quote_ident(ic.relname), ', ')
                      FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
                     WHERE i.indrelid = c.oid AND i.indisvalid AND i.indpred IS NULL AND i.indkey[0] = a.attnum)
              FROM pg_class c
              JOIN pg_namespace n ON n.oid = c.relnamespace
              JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = ? AND a.attnum > 0 AND NOT a.attisdropped
              LEFT JOIN pg_stat_all_tables s ON s.relid = c.oid
             WHERE n.nspname = ? AND c.relname = ?""";

    private final int minFilters;
    private final long minRows;
    private final Map<String, Usage> usage = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Usage> eldest) {
            return size() > MAX_COLUMNS;
        }
    };

    /** Statements filtering on one column; the latest is the one the planner is asked about. */
    private static final class Usage {
        final String schema;
        final String table;
        final String column;
        long filters;
        QueryTrace latest;

        Usage(String schema, String table, String column) {
            this.schema = schema;
            this.table = table;
            this.column = column;
        }

        String columnKey() {
            return schema + '\u0000' + table + '\u0000' + column;
        }
    }

    /** A column that was considered and why it is not suggested. */
    public record Skipped(String table, String column, long filters, String reason) {
    }

    /** What {@link #advise} found. */
    public record Advice(List<IndexSuggestion> suggestions, List<Skipped> skipped) {
    }

    public IndexAdvisor(int minFilters, long minRows) {
        this.minFilters = minFilters;
        this.minRows = minRows;
    }

    public synchronized void record(QueryTrace trace) {
        if (trace.tableName() == null || trace.filterColumns().isEmpty() || trace.failed()
                || "insert".equalsIgnoreCase(trace.operation())) {
            return;
        }
        for (String column : new LinkedHashSet<>(trace.filterColumns())) {
            String key = TenantView.key(trace.tenantId(), trace.schema() + '\u0000' + trace.tableName() + '\u0000' + column);
            Usage u = usage.computeIfAbsent(key, k -> new Usage(trace.schema(), trace.tableName(), column));
            u.filters++;
            u.latest = trace;
        }
    }

    /** The columns {@code view} sees, their tenants' counts added up, at or over the floor. */
    private synchronized List<Usage> candidates(TenantView view) {
        Map<String, Usage> columns = new LinkedHashMap<>();
        for (Usage u : usage.values()) {
            if (!view.sees(u.latest.tenantId())) {
                continue;
            }
            Usage sum = columns.computeIfAbsent(u.columnKey(), k -> new Usage(u.schema, u.table, u.column));
            sum.filters += u.filters;
            if (sum.latest == null || u.latest.startedAt().isAfter(sum.latest.startedAt())) {
                sum.latest = u.latest;
            }
        }
        List<Usage> list = new ArrayList<>();
        for (Usage u : columns.values()) {
            if (u.filters >= minFilters) {
                list.add(u);
            }
        }
        list.sort(Comparator.comparingLong((Usage u) -> u.filters).reversed());
        return list.size() > MAX_CANDIDATES ? list.subList(0, MAX_CANDIDATES) : list;
    }

    /**
     * Judges the candidates {@code view} sees now, against the database behind {@code dataSource}.
     * Blocking: not for request threads. {@link ObserveException} when the database cannot answer.
     */
    public Advice advise(DataSource dataSource, TenantView view) {
        try {
            return judge(dataSource, view);
        } catch (SQLException e) {
            throw new ObserveException(e);
        }
    }

    private Advice judge(DataSource dataSource, TenantView view) throws SQLException {
        PlanExplainer explainer = new PlanExplainer(dataSource);
        List<IndexSuggestion> suggestions = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        for (Usage u : candidates(view)) {
            String table = u.schema + "." + u.table;
            String reason = null;
            long rows = 0;
            try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(TABLE_FACTS)) {
                ps.setString(1, u.column);
                ps.setString(2, u.schema);
                ps.setString(3, u.table);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        reason = "the table or column no longer exists";
                    } else {
                        rows = rs.getLong(1);
                        String indexes = rs.getString(2);
                        if (indexes != null) {
                            reason = "indexed by " + indexes;
                        } else if (rows < minRows) {
                            reason = "about " + rows + " rows, under the " + minRows + "-row floor";
                        }
                    }
                }
            }
            if (reason == null) {
                reason = confirmByPlan(explainer, u, rows, suggestions);
            }
            if (reason != null) {
                skipped.add(new Skipped(table, u.column, u.filters, reason));
            }
        }
        return new Advice(suggestions, skipped);
    }

    /** Adds the suggestion when the plan shows a selective seq scan of the table; otherwise says why not. */
    private static String confirmByPlan(PlanExplainer explainer, Usage u, long rows, List<IndexSuggestion> out) {
        JsonNode plan;
        try {
            plan = explainer.json(u.latest.sql(), u.latest.parameters()).path(0).path("Plan");
        } catch (ObserveException e) {
            return "no plan: " + e.getMessage();
        }
        JsonNode scan = findSeqScan(plan, u.schema, u.table);
        if (scan == null) {
            return "the planner does not scan the table sequentially";
        }
        double kept = scan.path("Plan Rows").asDouble();
        if (rows > 0 && kept / rows > MAX_SELECTIVITY) {
            return String.format(Locale.ROOT, "the filter keeps about %.0f%% of the rows: an index would not help",
                    100 * kept / rows);
        }
        double cost = scan.path("Total Cost").asDouble();
        // No Filter text: explained with bound values (before PostgreSQL 16) it would show them.
        String node = String.format(Locale.ROOT, "Seq Scan on %s.%s (cost=%.2f..%.2f rows=%d)",
                u.schema, u.table, scan.path("Startup Cost").asDouble(), cost, scan.path("Plan Rows").asLong());
        out.add(new IndexSuggestion(u.schema + "." + u.table, u.column, u.filters, rows, node, cost,
                createIndex(u.schema, u.table, u.column)));
        return null;
    }

    private static JsonNode findSeqScan(JsonNode node, String schema, String table) {
        if ("Seq Scan".equals(node.path("Node Type").asText()) && table.equals(node.path("Relation Name").asText())
                && (!node.has("Schema") || schema.equals(node.path("Schema").asText()))) {
            return node;
        }
        for (JsonNode child : node.path("Plans")) {
            JsonNode found = findSeqScan(child, schema, table);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    /** {@code CREATE INDEX CONCURRENTLY "<table>_<column>_idx" ON "<schema>"."<table>" ("<column>")}. */
    public static String createIndex(String schema, String table, String column) {
        String name = table + "_" + column + "_idx";
        // PostgreSQL would cut a longer name to 63 bytes; cut it here so the statement says the real name.
        while (name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 63) {
            name = name.substring(0, name.length() - 1);
        }
        return "CREATE INDEX CONCURRENTLY " + Identifiers.quote(name) + " ON " + Identifiers.qualified(schema, table)
                + " (" + Identifiers.quote(column) + ")";
    }

    public int minFilters() {
        return minFilters;
    }

    public long minRows() {
        return minRows;
    }
}

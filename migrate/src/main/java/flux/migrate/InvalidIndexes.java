package flux.migrate;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Finds indexes a failed or cancelled {@code CREATE INDEX CONCURRENTLY} left INVALID: they
 * are never used by queries yet still slow every write, and {@code IF NOT EXISTS} on the
 * retry silently keeps them. Builds still in progress (in another session) are not counted.
 * What such a failure leaves is the database's "dirty" state: the ledger has no row for it (a
 * failed migration leaves none), so these are what an operator must look at (the web UI shows them).
 */
public final class InvalidIndexes {
    private static final String INVALID = """
            SELECT i.indexrelid::bigint, format('%I.%I', n.nspname, c.relname)
              FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE NOT i.indisvalid AND n.nspname NOT IN ('pg_catalog', 'information_schema')
               AND NOT EXISTS (SELECT 1 FROM pg_stat_progress_create_index p WHERE p.index_relid = i.indexrelid)
             ORDER BY 2
            """;

    private InvalidIndexes() {
    }

    /** Invalid indexes by oid, with their quoted names. */
    public static Map<Long, String> all(Connection c) throws SQLException {
        Map<Long, String> found = new LinkedHashMap<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(INVALID)) {
            while (rs.next()) {
                found.put(rs.getLong(1), rs.getString(2));
            }
        }
        return found;
    }

    /** Invalid indexes that are not in {@code before}, or whose name the script mentions. */
    static List<String> leftBy(Connection c, Map<Long, String> before, SqlScript script) throws SQLException {
        return all(c).entrySet().stream()
                .filter(e -> !before.containsKey(e.getKey()) || mentioned(script, e.getValue()))
                .map(Map.Entry::getValue).toList();
    }

    private static boolean mentioned(SqlScript script, String quotedName) {
        String bare = quotedName.substring(quotedName.lastIndexOf('.') + 1).replace("\"", "").toUpperCase(Locale.ROOT);
        return script.statements().stream().anyMatch(s -> s.keywords().contains(bare));
    }
}

package flux.console.backup;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The tables a row tenant's rows live in: every user table with a {@code tenant_id} column,
 * outside Flux's schema and the schema tenants' schemas, ordered so that a table comes after
 * the tables its foreign keys reference (inserts in this order, deletes in the reverse).
 */
final class TenantTables {
    private static final String TABLES = """
            SELECT format('%I.%I', n.nspname, c.relname), c.oid::bigint
              FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
              JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
             WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
               AND n.nspname NOT IN ('flux', 'pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
               AND n.nspname NOT IN (SELECT schema_name FROM flux.tenants WHERE schema_name IS NOT NULL)
             ORDER BY 1""";
    private static final String REFERENCES = """
            SELECT conrelid::bigint, confrelid::bigint FROM pg_constraint WHERE contype = 'f' AND conrelid <> confrelid""";

    private TenantTables() {
    }

    /** Qualified, quoted names (as PostgreSQL's format('%I.%I') writes them), parents first. */
    static List<String> inDependencyOrder(Connection c) throws SQLException {
        Map<Long, String> names = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(TABLES); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                names.put(rs.getLong(2), rs.getString(1));
            }
        }
        Map<Long, Set<Long>> parents = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(REFERENCES); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                if (names.containsKey(rs.getLong(1)) && names.containsKey(rs.getLong(2))) {
                    parents.computeIfAbsent(rs.getLong(1), k -> new LinkedHashSet<>()).add(rs.getLong(2));
                }
            }
        }
        List<String> ordered = new ArrayList<>();
        Set<Long> done = new LinkedHashSet<>();
        // Repeated passes: each takes the tables whose parents are done; a cycle ends them in name order.
        while (done.size() < names.size()) {
            int before = done.size();
            for (Long oid : names.keySet()) {
                if (!done.contains(oid) && done.containsAll(parents.getOrDefault(oid, Set.of()))) {
                    done.add(oid);
                    ordered.add(names.get(oid));
                }
            }
            if (done.size() == before) {
                names.keySet().stream().filter(o -> !done.contains(o)).forEach(o -> {
                    done.add(o);
                    ordered.add(names.get(o));
                });
            }
        }
        return ordered;
    }
}

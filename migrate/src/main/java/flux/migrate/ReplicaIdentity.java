package flux.migrate;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Gives tables that a migration created (or gave a primary key) {@code REPLICA IDENTITY FULL},
 * so capture receives before-images of their updates and deletes. Runs in the migration's
 * transaction. Tables whose identity the migration chose itself (USING INDEX, NOTHING) are
 * left alone; tables without a primary key are not tracked and stay as they are.
 */
final class ReplicaIdentity {
    /** Ordinary user tables that have a primary key (not Flux's own, not system or temporary). */
    private static final String KEYED_TABLES = """
            SELECT c.oid::bigint FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE c.relkind = 'r' AND n.nspname NOT IN ('flux', 'information_schema')
               AND n.nspname NOT LIKE 'pg\\_%'
               AND EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'p')
            """;
    private static final String NEWLY_KEYED = """
            SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE c.relkind = 'r' AND n.nspname NOT IN ('flux', 'information_schema')
               AND n.nspname NOT LIKE 'pg\\_%' AND c.relreplident = 'd'
               AND EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'p')
               AND c.oid::bigint <> ALL (?)
             ORDER BY 1
            """;

    private ReplicaIdentity() {
    }

    static Set<Long> keyedTables(Connection c) throws SQLException {
        Set<Long> oids = new HashSet<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(KEYED_TABLES)) {
            while (rs.next()) {
                oids.add(rs.getLong(1));
            }
        }
        return oids;
    }

    /** Sets FULL on keyed tables that were not in {@code before}; returns their quoted names. */
    static List<String> applyToNew(Connection c, Set<Long> before) throws SQLException {
        List<String> names = new ArrayList<>();
        Array known = c.createArrayOf("bigint", before.toArray(new Long[0]));
        try (PreparedStatement ps = c.prepareStatement(NEWLY_KEYED)) {
            ps.setArray(1, known);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
        }
        try (Statement st = c.createStatement()) {
            for (String table : names) {
                // the name comes quoted from format('%I.%I') over the catalog
                st.execute("ALTER TABLE " + table + " REPLICA IDENTITY FULL");
            }
        }
        return names;
    }
}

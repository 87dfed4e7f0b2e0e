package flux.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import javax.sql.DataSource;

/**
 * Where a cell's WAL went: bytes per write by relation and kind of record (an index's inserts and
 * its page splits apart, full-page images beside), read with pg_walinspect from the cell's first
 * WAL position to now. Every backend's WAL is in it, so the blame folder's summaries and
 * autovacuum show up under their own relations.
 */
final class WalDetail {
    private static final String BY_RELATION = """
            SELECT coalesce(c.relname, w.relfilenode::text) AS relation, split_part(w.record_type, '_', 1) AS kind,
                   sum(w.record_length) AS bytes, sum(coalesce(w.block_fpi_length, 0)) AS fpi
            FROM pg_get_wal_block_info(CAST(? AS pg_lsn), pg_current_wal_insert_lsn()) w
            LEFT JOIN pg_class c ON c.relfilenode = w.relfilenode
            GROUP BY 1, 2 ORDER BY 3 DESC
            """;

    private WalDetail() {
    }

    static void install(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE EXTENSION IF NOT EXISTS pg_walinspect");
        }
    }

    /** "relation/kind bytes (fpi n), ..." per write since {@code from}, leaving out what is under a byte a write. */
    static String since(DataSource ds, String from, long writes) throws SQLException {
        StringBuilder line = new StringBuilder();
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(BY_RELATION)) {
            ps.setString(1, from);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    double bytes = rs.getLong("bytes") / (double) writes;
                    double fpi = rs.getLong("fpi") / (double) writes;
                    if (bytes < 1) {
                        break;
                    }
                    line.append(line.length() == 0 ? "" : ", ").append(rs.getString("relation")).append('/')
                            .append(rs.getString("kind")).append(String.format(Locale.ROOT, " %.0f", bytes))
                            .append(fpi >= 1 ? String.format(Locale.ROOT, " (fpi %.0f)", fpi) : "");
                }
            }
        }
        return line.toString();
    }
}

package flux.capture.pg;

import flux.capture.Lsns;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Whether a table was in the publication at a WAL position: a member now, that did not join after
 * it ({@code flux.capture_joins}, written by {@code flux.capture_join} in capture-schema.sql; a table
 * that was a member before Flux kept join positions has none, and counts as joined from the start).
 * By name, as mutation records name their table.
 */
public final class JoinPoints {
    static final String PUBLISHED_AT = """
            SELECT EXISTS (SELECT 1 FROM pg_publication_tables WHERE pubname = ? AND schemaname = ? AND tablename = ?)
               AND NOT EXISTS (SELECT 1 FROM flux.capture_joins
                                WHERE publication = ? AND table_schema = ? AND table_name = ? AND joined_lsn > ?::pg_lsn)
                   AS published
            """;

    private JoinPoints() {
    }

    public static boolean publishedAt(Connection c, String publication, String schema, String table, long lsn)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(PUBLISHED_AT)) {
            for (int i = 0; i < 2; i++) {
                ps.setString(3 * i + 1, publication);
                ps.setString(3 * i + 2, schema);
                ps.setString(3 * i + 3, table);
            }
            ps.setString(7, Lsns.format(lsn));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean("published");
            }
        }
    }
}

package flux.capture.pg;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Reads the slot's lag (WAL retained beyond the position capture confirmed) and the server's
 * next xid8 (the reference for widening decoded 32-bit xids).
 */
public final class SlotMonitor {
    static final String QUERY = """
            SELECT (SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint
                      FROM pg_replication_slots WHERE slot_name = ?),
                   pg_snapshot_xmax(pg_current_snapshot())::text::bigint
            """;

    /** @param lagBytes null when the slot does not exist (yet) */
    public record Reading(Long lagBytes, long nextXid8) {
    }

    private final String slot;

    public SlotMonitor(String slot) {
        this.slot = slot;
    }

    public Reading read(Connection c) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(QUERY)) {
            st.setString(1, slot);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                long lag = rs.getLong(1);
                return new Reading(rs.wasNull() ? null : lag, rs.getLong(2));
            }
        }
    }
}

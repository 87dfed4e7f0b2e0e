package flux.app.fuzz;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * What a rejected request must leave as it was: a digest of every fixture table's rows, and the
 * mutation log's row count and highest id. A rejected write may add records to the log, by design,
 * but only attempts marked {@code rolled_back} under its own request id ({@link #newRecords}).
 * Records capture adds ({@code source = 'wal'}) are left out: capture writes them a moment after
 * an accepted write whose WAL changes it could not pair (docs/capture.md, Limits: an update that
 * changes a primary key arrives as a delete and an insert), so they may land during a later case.
 */
record DataState(String tables, long logRows, long logMaxId) {
    private static final String READ = "SELECT (SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM users t)"
            + " || (SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM orders t)"
            + " || (SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM notes t),"
            + " (SELECT count(*) FROM flux.state_mutations WHERE source <> 'wal'),"
            + " (SELECT coalesce(max(id), 0) FROM flux.state_mutations WHERE source <> 'wal')";
    private static final String SINCE = "SELECT id, status, request_id FROM flux.state_mutations WHERE id > ? AND source <> 'wal'"
            + " ORDER BY id";

    /** A log record written after a snapshot. */
    record Record(long id, String status, String requestId) {
    }

    static DataState read(Connection c) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(READ); ResultSet rs = st.executeQuery()) {
            rs.next();
            return new DataState(rs.getString(1), rs.getLong(2), rs.getLong(3));
        }
    }

    /** The log records written since this snapshot, oldest first. */
    List<Record> newRecords(Connection c) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(SINCE)) {
            st.setLong(1, logMaxId);
            List<Record> records = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    records.add(new Record(rs.getLong(1), rs.getString(2), rs.getString(3)));
                }
            }
            return records;
        }
    }
}

package flux.log;

import flux.pg.DatabaseException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * What one request wrote or tried to write, oldest first, over
 * {@code state_mutations_request_prefix_idx}. That index is on {@code request_id} alone, so a page
 * sorts the request's records: cheap for ordinary requests, proportional to the request's size
 * for a bulk write of thousands of rows.
 */
public final class RequestRecords {
    private static final String PAGE = "SELECT " + RecordReader.COLUMNS + """

             FROM flux.state_mutations
            WHERE request_id = ? AND id > ?
            ORDER BY id
            LIMIT ?
            """;
    /** A tenant's reader: request ids are the clients' own, so two tenants may share one. */
    private static final String PAGE_OF_TENANT = PAGE.replace("AND id > ?", "AND id > ? AND tenant_id = ?");

    /** The request an undo reversed, named by the undo's records (the log's {@code undoes} column). */
    private static final String UNDONE = """
            SELECT undoes FROM flux.state_mutations WHERE request_id = ? AND undoes IS NOT NULL LIMIT 1
            """;

    private RequestRecords() {
    }

    /** The request that request {@code requestId} undid (it was an undo), or null. */
    public static String undone(Connection c, String requestId) {
        try (PreparedStatement ps = c.prepareStatement(UNDONE)) {
            ps.setString(1, requestId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString("undoes") : null;
            }
        } catch (SQLException e) {
            throw new DatabaseException(e);
        }
    }

    /** Up to {@code limit} of the request's records with ids above {@code afterId}; {@code tenantId} null for all. */
    public static List<MutationRecord> page(Connection c, String requestId, String tenantId, long afterId, int limit) {
        List<MutationRecord> records = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(tenantId == null ? PAGE : PAGE_OF_TENANT)) {
            int i = 1;
            ps.setString(i++, requestId);
            ps.setLong(i++, afterId);
            if (tenantId != null) {
                ps.setString(i++, tenantId);
            }
            ps.setInt(i, limit);
            try (ResultSet rs = ps.executeQuery()) {
                RecordReader reader = new RecordReader(rs);
                while (rs.next()) {
                    records.add(reader.read());
                }
            }
        } catch (SQLException e) {
            throw new DatabaseException(e);
        }
        return records;
    }
}

package flux.log;

import flux.pg.DatabaseException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * What one request wrote or tried to write, oldest first, in keyset pages over
 * {@code state_mutations_request_order_idx (request_id text_pattern_ops, id)}: a page is one index
 * range read in id order, so it costs its own records, whatever the log holds besides (an index by
 * request id alone let the planner walk the primary key in id order instead, through every record
 * below the request's: issue 23). The whole id, never a prefix.
 */
public final class RequestRecords {
    /**
     * One request's records in the request index's order: the id is bound twice, as the one-value
     * range {@code [id, id]} of the index's pattern order, and the records are ordered by the
     * index's columns, an order only that index gives, so a plan reads one range of it. With
     * {@code request_id = ?} the planner takes the id as a constant and sees {@code ORDER BY id}
     * alone, which the primary key also gives; a generic plan (a pooled connection's, after a
     * statement's fifth run) or thin statistics then walk the primary key from the cursor and
     * filter, through every record above it (issue 23).
     */
    private static final String OF_REQUEST = """
             FROM flux.state_mutations
            WHERE request_id ~>=~ ? AND request_id ~<=~ ? :and
            ORDER BY request_id USING ~<~, id
            LIMIT ?
            """;
    private static final String PAGE = "SELECT " + RecordReader.COLUMNS + "\n" + OF_REQUEST.replace(":and", "AND id > ?");
    /** A tenant's reader: request ids are the clients' own, so two tenants may share one. */
    private static final String PAGE_OF_TENANT = PAGE.replace("AND id > ?", "AND id > ? AND tenant_id = ?");

    /**
     * The request an undo reversed, named by the undo's records (the log's {@code undoes} column):
     * an undo's first record says it; for any other request the range of its records is read through.
     */
    private static final String UNDONE = "SELECT undoes\n" + OF_REQUEST.replace(":and", "AND undoes IS NOT NULL");

    private RequestRecords() {
    }

    /** The request that request {@code requestId} undid (it was an undo), or null. */
    public static String undone(Connection c, String requestId) {
        try (PreparedStatement ps = c.prepareStatement(UNDONE)) {
            ps.setString(1, requestId);
            ps.setString(2, requestId);
            ps.setInt(3, 1);
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

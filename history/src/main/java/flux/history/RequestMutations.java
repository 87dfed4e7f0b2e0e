package flux.history;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What one request wrote or tried to write, oldest first, over
 * {@code state_mutations_request_idx}. That index is on {@code request_id} alone, so a page
 * sorts the request's records: cheap for ordinary requests, proportional to the request's
 * size for a bulk write of thousands of rows.
 */
final class RequestMutations {
    private static final String PAGE = "SELECT " + EntryReader.COLUMNS + """
             FROM flux.state_mutations
            WHERE request_id = ? AND id > ?
            ORDER BY id
            LIMIT ?
            """;
    /** A tenant's reader: request ids are the clients' own, so two tenants may share one. */
    private static final String PAGE_OF_TENANT = PAGE.replace("AND id > ?", "AND id > ? AND tenant_id = ?");

    private RequestMutations() {
    }

    /** @param tenantId null for every tenant's records */
    static RequestPage page(Connection c, String requestId, String tenantId, int limit, String cursor)
            throws SQLException {
        if (requestId == null || requestId.isBlank()) {
            throw new HistoryException.InvalidArgument("a request id is required");
        }
        long after = new PageRequest(false, limit, cursor, null, null).cursorId();
        Map<TableRef, TableShape> shapes = new HashMap<>();
        List<HistoryEntry> entries = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(tenantId == null ? PAGE : PAGE_OF_TENANT)) {
            int i = 1;
            ps.setString(i++, requestId);
            ps.setLong(i++, after);
            if (tenantId != null) {
                ps.setString(i++, tenantId);
            }
            ps.setInt(i, limit + 1);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    TableRef table = new TableRef(rs.getString(11), rs.getString(12));
                    if (!shapes.containsKey(table)) {
                        shapes.put(table, TableCatalog.find(c, table));
                    }
                    TableShape shape = shapes.get(table);
                    entries.add(EntryReader.read(rs, shape == null ? List.of() : shape.columns(), true));
                }
            }
        }
        if (entries.isEmpty() && cursor == null) {
            throw new HistoryException.UnknownRequest(requestId);
        }
        String next = null;
        if (entries.size() > limit) {
            entries.remove(entries.size() - 1);
            next = Long.toString(entries.get(entries.size() - 1).id());
        }
        return new RequestPage(requestId, next, List.copyOf(entries));
    }
}

package flux.history;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Blame from the per-row summary {@code flux.row_blame} (kept by a trigger on the log, see
 * history-schema.sql): a primary-key lookup gives, per column, the ids of the last committed
 * record and of the last rolled-back attempt, and the same statement fetches those records
 * by id. One round trip; at most two records per column, however long the history is.
 */
final class ColumnBlame {
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * The row's summary and, beside it, every record it names (one per row of the result):
     * a primary-key lookup of flux.row_blame, then primary-key lookups of at most
     * 2 x columns + 1 records.
     */
    private static final String SUMMARY_AND_RECORDS = """
            WITH b AS (
                SELECT latest_id, deleted_id, committed, attempted FROM flux.row_blame
                WHERE table_schema = ? AND table_name = ? AND row_id = ?)
            SELECT b.latest_id, b.deleted_id, b.committed::text, b.attempted::text,
                   m.id, m.created_at, m.request_id, m.operation, m.status, m.old, m.new, m.error
            FROM b LEFT JOIN LATERAL (
                SELECT id, created_at, request_id, operation, status, old, new, error FROM flux.state_mutations
                WHERE id = ANY (ARRAY(SELECT value::bigint FROM jsonb_each_text(b.committed)
                                      UNION SELECT value::bigint FROM jsonb_each_text(b.attempted))
                                || b.latest_id)) m ON true
            """;
    /** For a tenant's reader: only its records; a row none of them names is unknown to it. */
    private static final String SUMMARY_AND_RECORDS_OF_TENANT = SUMMARY_AND_RECORDS.replace(
            "|| b.latest_id)) m ON true", "|| b.latest_id) AND tenant_id = ?) m ON true");

    private ColumnBlame() {
    }

    /** @param tenantId null for a reader of every tenant's records */
    static Blame blame(Connection c, TableShape shape, String rowId, String tenantId) throws SQLException {
        Summary summary = read(c, shape, rowId, tenantId);
        Rec latest = summary.records.get(summary.latestId);
        ObjectNode current = latest == null ? null : latest.operation.equals("DELETE") ? latest.old : latest.after;
        if (current == null) {
            current = JSON.createObjectNode();
        }
        List<Blame.Line> lines = new ArrayList<>();
        for (String column : columns(shape, current, summary)) {
            long committedId = summary.committed.getOrDefault(column, 0L);
            Rec set = summary.records.get(committedId);
            long attemptId = summary.attempted.getOrDefault(column, 0L);
            Rec attempt = attemptId > committedId ? summary.records.get(attemptId) : null;
            lines.add(new Blame.Line(column, valueOf(current, column),
                    set == null ? null : set.requestId, set == null ? null : set.at,
                    attempt == null ? null : new Blame.Attempt(attempt.requestId, attempt.status, attempt.at,
                            valueOf(attempt.after, column), attempt.error)));
        }
        Rec deletion = summary.deletedId == null ? null : summary.records.get(summary.deletedId);
        return new Blame(shape.table().display(), rowId, summary.deletedId != null,
                deletion == null ? null : new Blame.Stamp(deletion.requestId, deletion.at), List.copyOf(lines));
    }

    private static Summary read(Connection c, TableShape shape, String rowId, String tenantId) throws SQLException {
        Summary summary = null;
        try (PreparedStatement ps = c.prepareStatement(tenantId == null ? SUMMARY_AND_RECORDS
                : SUMMARY_AND_RECORDS_OF_TENANT)) {
            ps.setString(1, shape.table().schema());
            ps.setString(2, shape.table().name());
            ps.setString(3, rowId);
            if (tenantId != null) {
                ps.setString(4, tenantId);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (summary == null) {
                        summary = new Summary((Long) rs.getObject(1), (Long) rs.getObject(2), ids(rs.getString(3)),
                                ids(rs.getString(4)), new HashMap<>());
                    }
                    if (rs.getObject(5) != null) {
                        summary.records.put(rs.getLong(5), new Rec(
                                rs.getObject(6, OffsetDateTime.class).toInstant().toString(),
                                rs.getString(7), rs.getString(8), rs.getString(9),
                                Images.parse(rs.getString(10), shape.columns()),
                                Images.parse(rs.getString(11), shape.columns()), rs.getString(12)));
                    }
                }
            }
        }
        if (summary == null || (tenantId != null && summary.records.isEmpty())) {
            throw new HistoryException.UnknownRow(shape.table(), rowId);
        }
        return summary;
    }

    /** The table's columns in its order, then any others the row's records name (dropped since). */
    private static Set<String> columns(TableShape shape, ObjectNode current, Summary summary) {
        Set<String> columns = new LinkedHashSet<>();
        for (String column : shape.columns()) {
            if (current.has(column) || summary.committed.containsKey(column) || summary.attempted.containsKey(column)) {
                columns.add(column);
            }
        }
        current.fieldNames().forEachRemaining(columns::add);
        columns.addAll(summary.committed.keySet());
        columns.addAll(summary.attempted.keySet());
        return columns;
    }

    private static JsonNode valueOf(ObjectNode image, String column) {
        JsonNode value = image == null ? null : image.get(column);
        return value == null ? NullNode.getInstance() : value;
    }

    private static Map<String, Long> ids(String jsonb) {
        Map<String, Long> ids = new HashMap<>();
        try {
            for (Iterator<Map.Entry<String, JsonNode>> it = JSON.readTree(jsonb).fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                ids.put(e.getKey(), e.getValue().asLong());
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("flux.row_blame holds an unreadable map: " + jsonb, e);
        }
        return ids;
    }

    /** A row's flux.row_blame entry and the records it names, by id. */
    private record Summary(Long latestId, Long deletedId, Map<String, Long> committed, Map<String, Long> attempted,
                           Map<Long, Rec> records) {
    }

    /** The parts of a mutation record blame needs. */
    private record Rec(String at, String requestId, String operation, String status, ObjectNode old,
                       ObjectNode after, String error) {
    }
}

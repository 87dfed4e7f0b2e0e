package flux.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import flux.log.Operation;
import flux.log.Status;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Blame from the per-row summary {@code flux.row_blame} (folded from the log in the background
 * by {@link BlameFolder}) plus the row's records the folder has not reached yet: one statement
 * fetches the summary and, beside it, every record it names and every newer record of the row
 * (all of the row's records when it has no summary: a row only ever inserted gets none).
 * The read folds those into the summary (folding is idempotent), so blame is exact whether or
 * not the folder is running or behind; with the folder keeping up, it reads at most two records
 * per column, however long the history is.
 *
 * <p>Its statement joins history's summary to the log, so it lives here, by the rule in
 * {@code flux.log}'s package comment: it names the log columns it reads and reads by name.
 */
final class ColumnBlame {
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * The row's summary (or nulls) and, one per result row, each record it names and each of the
     * row's records above the folder's watermark, with the columns each attributes. The lower bound
     * of {@code unfolded} is one scalar (the watermark, or 0 for a row without a summary) so that
     * PostgreSQL makes it an index condition: written as {@code id > watermark OR NOT EXISTS (...)}
     * it was a filter, and the scan read the row's whole range of the row index (1,092 buffers on a
     * row with 100,000 records, against 10; ReadCostIT guards it).
     */
    private static final String SUMMARY_AND_RECORDS = """
            WITH b AS (
                SELECT latest_id, committed, attempted FROM flux.row_blame
                WHERE table_schema = ? AND table_name = ? AND row_id = ?),
            unfolded AS (
                SELECT id FROM flux.state_mutations
                WHERE table_schema = ? AND table_name = ? AND row_id = ?
                  AND id > (SELECT CASE WHEN EXISTS (SELECT 1 FROM b) THEN folded_through ELSE 0 END
                              FROM flux.row_blame_progress))
            SELECT b.latest_id, b.committed::text, b.attempted::text,
                   m.id, m.created_at, m.request_id, m.operation, m.status, m.old, m.new, m.error,
                   flux.blame_columns(m.operation, m.status, m.changed_columns, m.old, m.new)
            FROM (SELECT 1) AS one
            LEFT JOIN b ON true
            LEFT JOIN LATERAL (
                SELECT id, created_at, request_id, operation, status, old, new, error, changed_columns
                FROM flux.state_mutations
                WHERE id = ANY (ARRAY(SELECT value::bigint FROM jsonb_each_text(b.committed)
                                      UNION SELECT value::bigint FROM jsonb_each_text(b.attempted)
                                      UNION SELECT id FROM unfolded)
                                || b.latest_id)) m ON true
            """;
    /**
     * For a tenant's reader: only its records (another tenant's rolled-back attempt on the row
     * is left out, and so not shown); a row none of them names is unknown to it.
     */
    private static final String SUMMARY_AND_RECORDS_OF_TENANT = SUMMARY_AND_RECORDS.replace(
            "|| b.latest_id)) m ON true", "|| b.latest_id) AND tenant_id = ?) m ON true");

    private ColumnBlame() {
    }

    /** @param tenantId null for a reader of every tenant's records */
    static Blame blame(Connection c, TableShape shape, String rowId, String tenantId) throws SQLException {
        Read read = read(c, shape, rowId, tenantId);
        BlameSummary summary = read.summary;
        Rec latest = summary.latestId() == null ? null : read.records.get(summary.latestId());
        ObjectNode current = latest == null ? null : latest.operation == Operation.DELETE ? latest.old : latest.after;
        if (current == null) {
            current = JSON.createObjectNode();
        }
        List<Blame.Line> lines = new ArrayList<>();
        for (String column : columns(shape, current, summary)) {
            long committedId = summary.committed().getOrDefault(column, 0L);
            Rec set = read.records.get(committedId);
            long attemptId = summary.attempted().getOrDefault(column, 0L);
            Rec attempt = attemptId > committedId ? read.records.get(attemptId) : null;
            lines.add(new Blame.Line(column, valueOf(current, column),
                    set == null ? null : set.requestId, set == null ? null : set.at,
                    attempt == null ? null : new Blame.Attempt(attempt.requestId, attempt.status.stored(), attempt.at,
                            valueOf(attempt.after, column), attempt.error)));
        }
        Rec deletion = latest != null && latest.operation == Operation.DELETE ? latest : null;
        return new Blame(shape.table().display(), rowId, deletion != null,
                deletion == null ? null : new Blame.Stamp(deletion.requestId, deletion.at), List.copyOf(lines));
    }

    private static Read read(Connection c, TableShape shape, String rowId, String tenantId) throws SQLException {
        BlameSummary summary = null;
        Map<Long, Rec> records = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(tenantId == null ? SUMMARY_AND_RECORDS
                : SUMMARY_AND_RECORDS_OF_TENANT)) {
            for (int i = 0; i < 2; i++) {
                ps.setString(3 * i + 1, shape.table().schema());
                ps.setString(3 * i + 2, shape.table().name());
                ps.setString(3 * i + 3, rowId);
            }
            if (tenantId != null) {
                ps.setString(7, tenantId);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (summary == null) {
                        summary = rs.getString("committed") == null ? BlameSummary.empty()
                                : BlameSummary.stored((Long) rs.getObject("latest_id"), rs.getString("committed"),
                                        rs.getString("attempted"));
                    }
                    if (rs.getObject("id") != null) {
                        long id = rs.getLong("id");
                        Status status = Status.of(rs.getString("status"));
                        summary.fold(id, status == Status.COMMITTED,
                                Arrays.asList((String[]) rs.getArray("blame_columns").getArray()));
                        records.put(id, new Rec(rs.getObject("created_at", OffsetDateTime.class).toInstant().toString(),
                                rs.getString("request_id"), Operation.of(rs.getString("operation")), status,
                                Images.parse(rs.getString("old"), shape.columns()),
                                Images.parse(rs.getString("new"), shape.columns()), rs.getString("error")));
                    }
                }
            }
        }
        if (records.isEmpty()) {
            throw new HistoryException.UnknownRow(shape.table(), rowId);
        }
        return new Read(summary, records);
    }

    /** The table's columns in its order, then any others the row's records name (dropped since). */
    private static Set<String> columns(TableShape shape, ObjectNode current, BlameSummary summary) {
        Set<String> columns = new LinkedHashSet<>();
        for (String column : shape.columns()) {
            if (current.has(column) || summary.committed().containsKey(column)
                    || summary.attempted().containsKey(column)) {
                columns.add(column);
            }
        }
        current.fieldNames().forEachRemaining(columns::add);
        columns.addAll(summary.committed().keySet());
        columns.addAll(summary.attempted().keySet());
        return columns;
    }

    private static JsonNode valueOf(ObjectNode image, String column) {
        JsonNode value = image == null ? null : image.get(column);
        return value == null ? NullNode.getInstance() : value;
    }

    /** A row's summary, with what was read folded in, and the records it may name, by id. */
    private record Read(BlameSummary summary, Map<Long, Rec> records) {
    }

    /** The parts of a mutation record blame needs. */
    private record Rec(String at, String requestId, Operation operation, Status status, ObjectNode old,
                       ObjectNode after, String error) {
    }
}

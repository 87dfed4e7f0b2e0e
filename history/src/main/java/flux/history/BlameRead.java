package flux.history;

import com.fasterxml.jackson.databind.node.ObjectNode;
import flux.log.OrderKey;
import flux.log.Operation;
import flux.log.Status;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The one statement of a blame read: the row's summary {@code flux.row_blame} (folded from the log
 * in the background by {@link BlameFolder}) and, beside it, every record it names, every record of
 * the row the folder has not reached yet (all of the row's records when it has no summary: a row
 * with fewer than {@link BlameFolder#SUMMARY_AFTER} records gets none), and the two events that can end a row without a record of its
 * own: the latest key change away from it and the latest TRUNCATE of its table. The read folds the
 * row's records into the summary (folding is idempotent), so blame is exact whether or not the
 * folder is running or behind; with the folder keeping up, it reads at most two records per
 * column, however long the history is.
 *
 * <p>A renamed table has records (and summaries) under each name it had: the statement runs once
 * under each ({@link TableLineage#names}; once for a table never renamed), the reads are folded
 * together, and columns are then named as they are now, so a renamed column is credited with the
 * writes made under its old name.
 *
 * <p>Records not yet folded are those above the folder's watermark (an id). The engine's records
 * have their id as their place in the row index; a record capture placed may have an id above the
 * watermark and a place below it, so those are found by id in their own partial index
 * ({@code state_mutations_placed_idx}). Its statement joins history's summary to the log, so it
 * lives here, by the rule in {@code flux.log}'s package comment.
 *
 * <p>The upper bound on the place of unfolded records is there for the planner: it cannot see the
 * watermark (a subquery's value), takes {@code place > watermark} as a third of the row's records,
 * and, since the row index cannot answer by itself (the place is an expression over
 * {@code placed_after}, which rules out an index-only scan), prefers a sequential scan of the log
 * (617 buffers instead of 16 on a row of 20,000 records, {@code BlameCostIT}). Bounded on both
 * sides by values it cannot see, it estimates half a percent and reads the index range.
 */
final class BlameRead {
    /** The watermark that applies to the row: the folder's, or 0 (every record) for a row without a summary. */
    private static final String WATERMARK = "(SELECT CASE WHEN EXISTS (SELECT 1 FROM b) THEN folded_through ELSE 0 END"
            + " FROM flux.row_blame_progress)";
    private static final String SUMMARY_AND_RECORDS = """
            WITH b AS (
                SELECT latest_id, latest_key, committed, attempted FROM flux.row_blame
                WHERE table_schema = ? AND table_name = ? AND row_id = ?),
            unfolded AS (
                SELECT id FROM flux.state_mutations
                WHERE table_schema = ? AND table_name = ? AND row_id = ? AND coalesce(placed_after, id) > :watermark
                  AND coalesce(placed_after, id) < 9223372036854775807
                UNION ALL
                SELECT id FROM flux.state_mutations
                WHERE table_schema = ? AND table_name = ? AND row_id = ? AND placed_after IS NOT NULL AND id > :watermark),
            ends AS (
                (SELECT id FROM flux.state_mutations
                  WHERE table_schema = ? AND table_name = ? AND old_row_id = ? AND status = 'committed'
                  ORDER BY coalesce(placed_after, id) DESC, id DESC LIMIT 1)
                UNION ALL
                (SELECT id FROM flux.state_mutations
                  WHERE table_schema = ? AND table_name = ? AND operation = 'TRUNCATE'
                  ORDER BY coalesce(placed_after, id) DESC, id DESC LIMIT 1))
            SELECT b.latest_id, b.latest_key, b.committed::text, b.attempted::text,
                   m.id, m.placed_after, m.row_id, m.old_row_id, m.created_at, m.request_id, m.operation, m.status,
                   m.old, m.new, m.error, flux.blame_columns(m.operation, m.status, m.changed_columns, m.old, m.new)
            FROM (SELECT 1) AS one
            LEFT JOIN b ON true
            LEFT JOIN LATERAL (
                SELECT id, placed_after, row_id, old_row_id, created_at, request_id, operation, status, old, new, error,
                       changed_columns
                FROM flux.state_mutations
                WHERE id = ANY (ARRAY(SELECT flux.blame_id(value) FROM jsonb_each(b.committed)
                                      UNION SELECT flux.blame_id(value) FROM jsonb_each(b.attempted)
                                      UNION SELECT id FROM unfolded UNION SELECT id FROM ends)
                                || b.latest_id)) m ON true
            """.replace(":watermark", WATERMARK);
    /**
     * For a tenant's reader: only its records (another tenant's rolled-back attempt on the row
     * is left out, and so not shown); a row none of them names is unknown to it.
     */
    private static final String SUMMARY_AND_RECORDS_OF_TENANT = SUMMARY_AND_RECORDS.replace(
            "|| b.latest_id)) m ON true", "|| b.latest_id) AND tenant_id = ?) m ON true");

    private BlameRead() {
    }

    /**
     * A row's summary with its unfolded records folded in, the records it may name by id, and the
     * latest key change away from the row and TRUNCATE of its table (null when there is none).
     */
    record Read(BlameSummary summary, Map<Long, Rec> records, Rec movedAway, Rec truncated) {
        /** This read and another of the same row under another name its table had. */
        Read with(Read other) {
            Map<Long, Rec> all = new HashMap<>(records);
            all.putAll(other.records);
            return new Read(summary.with(other.summary), all, later(movedAway, other.movedAway),
                    later(truncated, other.truncated));
        }

        /**
         * Columns under their names now, images in the table's order: a column renamed since a record
         * was written is credited under its new name.
         */
        Read namesNow(TableLineage lineage, List<String> columns) {
            Map<Long, Rec> renamed = new HashMap<>();
            records.forEach((id, r) -> renamed.put(id, r.namesNow(lineage, columns)));
            BlameSummary summary = this.summary.renamed((column, place) -> {
                Rec r = records.get(place.id());
                return r == null ? column : lineage.nameNow(column, r.writtenAt());
            });
            return new Read(summary, renamed, movedAway == null ? null : renamed.get(movedAway.id()),
                    truncated == null ? null : renamed.get(truncated.id()));
        }

        private static Rec later(Rec a, Rec b) {
            return a == null ? b : b == null || a.place().isAfter(b.place()) ? a : b;
        }
    }

    /** The parts of a mutation record blame needs. */
    record Rec(long id, OrderKey place, String rowId, String oldRowId, String at, String requestId,
               Operation operation, Status status, ObjectNode old, ObjectNode after, String error) {
        Blame.Stamp stamp() {
            return new Blame.Stamp(requestId, at);
        }

        Instant writtenAt() {
            return Instant.parse(at);
        }

        Rec namesNow(TableLineage lineage, List<String> columns) {
            return new Rec(id, place, rowId, oldRowId, at, requestId, operation, status,
                    Images.ordered(lineage.namesNow(old, writtenAt()), columns),
                    Images.ordered(lineage.namesNow(after, writtenAt()), columns), error);
        }
    }

    /**
     * The row's read under each name its table had ({@link TableLineage#names}: one statement for a
     * table never renamed), folded together, columns under their names now.
     *
     * @param tenantId null for a reader of every tenant's records
     */
    static Read read(Connection c, TableShape shape, String rowId, String tenantId) throws SQLException {
        Read read = null;
        for (TableLineage.NameSpan span : shape.lineage().names(shape.table())) {
            Read one = readUnder(c, span.table(), rowId, tenantId);
            read = read == null ? one : one == null ? read : read.with(one);
        }
        // none, or only TRUNCATEs: a table's, not the row's
        if (read == null || read.records().values().stream().allMatch(r -> r.operation() == Operation.TRUNCATE)) {
            throw new HistoryException.UnknownRow(shape.table(), rowId);
        }
        return read.namesNow(shape.lineage(), shape.columns());
    }

    /** The row's read under one name of its table; null when nothing under that name names the row. */
    private static Read readUnder(Connection c, TableRef table, String rowId, String tenantId) throws SQLException {
        BlameSummary summary = null;
        Map<Long, Rec> records = new HashMap<>();
        Rec movedAway = null;
        Rec truncated = null;
        try (PreparedStatement ps = prepare(c, "", table, rowId, tenantId)) {
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (summary == null) {
                        summary = rs.getString("committed") == null ? BlameSummary.empty()
                                : BlameSummary.stored((Long) rs.getObject("latest_id"), (Long) rs.getObject("latest_key"),
                                        rs.getString("committed"), rs.getString("attempted"));
                    }
                    if (rs.getObject("id") == null) {
                        continue;
                    }
                    Rec rec = rec(rs);
                    if (rec.operation() == Operation.TRUNCATE) {
                        truncated = rec;
                    } else if (!rec.rowId().equals(rowId)) {
                        movedAway = rec;
                    } else {
                        summary.fold(rec.place(), rec.status() == Status.COMMITTED,
                                Arrays.asList((String[]) rs.getArray("blame_columns").getArray()));
                    }
                    records.put(rec.id(), rec);
                }
            }
        }
        return records.isEmpty() ? null : new Read(summary, records, movedAway, truncated);
    }

    /** The statement behind {@code prefix} (an EXPLAIN, for tests that count what a blame reads), bound. */
    static PreparedStatement prepare(Connection c, String prefix, TableRef table, String rowId, String tenantId)
            throws SQLException {
        PreparedStatement ps = c.prepareStatement(prefix + (tenantId == null ? SUMMARY_AND_RECORDS
                : SUMMARY_AND_RECORDS_OF_TENANT));
        try {
            int i = 1;
            for (int condition = 0; condition < 5; condition++) {
                ps.setString(i++, table.schema());
                ps.setString(i++, table.name());
                if (condition < 4) {
                    ps.setString(i++, rowId);
                }
            }
            if (tenantId != null) {
                ps.setString(i, tenantId);
            }
            return ps;
        } catch (SQLException | RuntimeException e) {
            ps.close();
            throw e;
        }
    }

    /** A record as stored (images in jsonb's order, columns under the names they had then). */
    private static Rec rec(ResultSet rs) throws SQLException {
        long id = rs.getLong("id");
        return new Rec(id, OrderKey.of((Long) rs.getObject("placed_after"), id), rs.getString("row_id"),
                rs.getString("old_row_id"), rs.getObject("created_at", OffsetDateTime.class).toInstant().toString(),
                rs.getString("request_id"), Operation.of(rs.getString("operation")), Status.of(rs.getString("status")),
                Images.parse(rs.getString("old"), List.of()), Images.parse(rs.getString("new"), List.of()),
                rs.getString("error"));
    }
}

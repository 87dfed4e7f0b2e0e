package flux.log;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads of one row's records, each one statement over the log's row indexes, so their cost does
 * not depend on how long the row's history is: pages are keyset range scans of
 * {@code state_mutations_row_idx (table_schema, table_name, row_id, id)} reading {@code limit}
 * entries wherever the page lies; time probes and as-of reads seek
 * {@code state_mutations_row_time_idx (..., created_at)}.
 */
public final class RowRecords {
    private static final String PAGE_HEAD = "SELECT " + RecordReader.COLUMNS + "\n FROM flux.state_mutations\nWHERE ";
    private static final String PAGE_RANGE = "\n  AND id > ? AND id < ? AND created_at >= ? AND created_at < ?\nORDER BY id ";
    private static final RowFilter.Statement PAGE_NEWEST = RowFilter.Statement.of(PAGE_HEAD, PAGE_RANGE + "DESC\nLIMIT ?\n");
    private static final RowFilter.Statement PAGE_OLDEST = RowFilter.Statement.of(PAGE_HEAD, PAGE_RANGE + "ASC\nLIMIT ?\n");
    /** First record at or after a time (ids below it are out of range). */
    private static final RowFilter.Statement FIRST_ID_FROM = RowFilter.Statement.of("SELECT id FROM flux.state_mutations\nWHERE ",
            " AND created_at >= ?\nORDER BY created_at, id LIMIT 1\n");
    /** Last record before a time (ids above it are out of range). */
    private static final RowFilter.Statement LAST_ID_BEFORE = RowFilter.Statement.of("SELECT id FROM flux.state_mutations\nWHERE ",
            " AND created_at < ?\nORDER BY created_at DESC, id DESC LIMIT 1\n");
    private static final RowFilter.Statement ANY_RECORD = RowFilter.Statement.of("SELECT 1 FROM flux.state_mutations WHERE ",
            " LIMIT 1\n");
    /** One backward probe of the time index; it steps over rolled-back attempts only. */
    private static final RowFilter.Statement LAST_COMMITTED = RowFilter.Statement.of(
            "SELECT " + RecordReader.COLUMNS + "\nFROM flux.state_mutations\nWHERE ",
            " AND created_at <= ? AND status = 'committed'\nORDER BY created_at DESC, id DESC\nLIMIT 1\n");
    /** Bounds for "no bound" that keep one statement text (and one cached plan) per order. */
    private static final OffsetDateTime EARLIEST = OffsetDateTime.of(1, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
    private static final OffsetDateTime LATEST = OffsetDateTime.of(9999, 12, 31, 0, 0, 0, 0, ZoneOffset.UTC);

    private RowRecords() {
    }

    /**
     * Up to {@code limit} of the row's records with {@code afterId < id < beforeId} and
     * {@code from <= created_at < to} (null: unbounded), in id order, newest first or oldest first.
     */
    public static List<MutationRecord> page(Connection c, RowFilter row, long afterId, long beforeId, Instant from,
                                            Instant to, boolean newestFirst, int limit) throws SQLException {
        List<MutationRecord> records = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement((newestFirst ? PAGE_NEWEST : PAGE_OLDEST).text(row))) {
            int i = row.bind(ps, 1);
            ps.setLong(i, afterId);
            ps.setLong(i + 1, beforeId);
            ps.setObject(i + 2, from == null ? EARLIEST : utc(from));
            ps.setObject(i + 3, to == null ? LATEST : utc(to));
            ps.setInt(i + 4, limit);
            try (ResultSet rs = ps.executeQuery()) {
                RecordReader reader = new RecordReader(rs);
                while (rs.next()) {
                    records.add(reader.read());
                }
            }
        }
        return records;
    }

    /** The id of the row's first record at or after {@code at}, or null. */
    public static Long firstIdFrom(Connection c, RowFilter row, Instant at) throws SQLException {
        return probe(c, FIRST_ID_FROM, row, at);
    }

    /** The id of the row's last record before {@code at}, or null. */
    public static Long lastIdBefore(Connection c, RowFilter row, Instant at) throws SQLException {
        return probe(c, LAST_ID_BEFORE, row, at);
    }

    /** Whether the log has any record of the row (for the reader's tenant). */
    public static boolean exists(Connection c, RowFilter row) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(ANY_RECORD.text(row))) {
            row.bind(ps, 1);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * The row's last committed record at or before {@code at}: its after image is the row as it was
     * then (every committed record carries the whole row, docs/contracts.md); empty before the first.
     */
    public static Optional<MutationRecord> lastCommittedAt(Connection c, RowFilter row, Instant at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(LAST_COMMITTED.text(row))) {
            ps.setObject(row.bind(ps, 1), utc(at));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new RecordReader(rs).read()) : Optional.empty();
            }
        }
    }

    private static Long probe(Connection c, RowFilter.Statement sql, RowFilter row, Instant at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql.text(row))) {
            ps.setObject(row.bind(ps, 1), utc(at));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong("id") : null;
            }
        }
    }

    private static OffsetDateTime utc(Instant at) {
        return at.atOffset(ZoneOffset.UTC);
    }
}

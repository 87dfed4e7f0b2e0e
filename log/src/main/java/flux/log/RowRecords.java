package flux.log;

import flux.pg.DatabaseException;
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
 * Reads of one row's timeline in commit order ({@link OrderKey}; what the timeline holds:
 * {@link RowTimeline}), each one statement over the log's row indexes, so their cost does not
 * depend on how long the row's history is: pages are keyset range scans of
 * {@code state_mutations_row_order_idx (table_schema, table_name, row_id, coalesce(placed_after, id), id)}
 * reading {@code limit} entries wherever the page lies; time probes and as-of reads seek
 * {@code state_mutations_row_time_idx (..., created_at)}. They rely on a row's committed records
 * having times that grow in commit order (mutation-log.sql: the engine's {@code created_at} is
 * taken while it holds the row's lock, capture's records take their commit time).
 */
public final class RowRecords {
    private static final String RANGE = " AND (" + RowTimeline.KEY + ", m.id) > (?, ?) AND (" + RowTimeline.KEY
            + ", m.id) < (?, ?)";
    private static final String TIMES = " AND m.created_at >= ? AND m.created_at < ?";
    private static final String PAGE = """
            SELECT :columns FROM (
              (SELECT m.* FROM flux.state_mutations m WHERE :own:range ORDER BY :order LIMIT ?)
              UNION ALL
              (SELECT m.* FROM flux.state_mutations m WHERE :moved:range ORDER BY :order LIMIT ?)
              UNION ALL
              (SELECT m.* FROM flux.state_mutations m WHERE :table:range:existed ORDER BY :order LIMIT ?)
            ) m ORDER BY :order LIMIT ?
            """.replace(":columns", RecordReader.COLUMNS);
    /*
     * A page without a time window has no created_at condition at all. With "no bound" bound as
     * the first and last possible times, one text served both, and after a few runs PostgreSQL's
     * generic plan for it, unable to see that the range is everything, walked the row's time index
     * over all its records and sorted them (4,415 buffers a page on a 100,000-record row, against
     * 10; ReadCostIT counts generic plans since).
     */
    private static final RowTimeline.Statement PAGE_NEWEST = page(" DESC, m.id DESC", "");
    private static final RowTimeline.Statement PAGE_OLDEST = page(", m.id", "");
    private static final RowTimeline.Statement PAGE_NEWEST_IN_TIMES = page(" DESC, m.id DESC", TIMES);
    private static final RowTimeline.Statement PAGE_OLDEST_IN_TIMES = page(", m.id", TIMES);
    /** The place of the first entry at or after a time (entries before it are out of range). */
    private static final RowTimeline.Statement FIRST_FROM = RowTimeline.Statement.of("""
            SELECT p, id FROM (
              (SELECT coalesce(m.placed_after, m.id) AS p, m.id FROM flux.state_mutations m
                WHERE :own AND m.created_at >= ? ORDER BY m.created_at, m.id LIMIT 1)
              UNION ALL
              (SELECT coalesce(m.placed_after, m.id), m.id FROM flux.state_mutations m
                WHERE :moved AND m.created_at >= ? ORDER BY coalesce(m.placed_after, m.id), m.id LIMIT 1)
              UNION ALL
              (SELECT coalesce(m.placed_after, m.id), m.id FROM flux.state_mutations m
                WHERE :table AND m.created_at >= ? ORDER BY coalesce(m.placed_after, m.id), m.id LIMIT 1)
            ) f ORDER BY p, id LIMIT 1
            """);
    /** The place of the last entry before a time (entries after it are out of range). */
    private static final RowTimeline.Statement LAST_BEFORE = RowTimeline.Statement.of("""
            SELECT p, id FROM (
              (SELECT coalesce(m.placed_after, m.id) AS p, m.id FROM flux.state_mutations m
                WHERE :own AND m.created_at < ? ORDER BY m.created_at DESC, m.id DESC LIMIT 1)
              UNION ALL
              (SELECT coalesce(m.placed_after, m.id), m.id FROM flux.state_mutations m
                WHERE :moved AND m.created_at < ? ORDER BY coalesce(m.placed_after, m.id) DESC, m.id DESC LIMIT 1)
              UNION ALL
              (SELECT coalesce(m.placed_after, m.id), m.id FROM flux.state_mutations m
                WHERE :table AND m.created_at < ? ORDER BY coalesce(m.placed_after, m.id) DESC, m.id DESC LIMIT 1)
            ) f ORDER BY p DESC, id DESC LIMIT 1
            """);
    private static final RowTimeline.Statement ANY_RECORD = RowTimeline.Statement.of("""
            (SELECT 1 FROM flux.state_mutations m WHERE :own LIMIT 1)
            UNION ALL
            (SELECT 1 FROM flux.state_mutations m WHERE :moved LIMIT 1)
            """);
    /**
     * The row's last committed record at or before a time (one backward probe of the time index,
     * stepping over rolled-back attempts only), unless a key change away from the row or a TRUNCATE
     * of its table came after it (by then): then that one.
     */
    private static final RowTimeline.Statement LAST_AT = RowTimeline.Statement.of("""
            WITH own AS (
              SELECT m.* FROM flux.state_mutations m WHERE :own AND m.created_at <= ? AND m.status = 'committed'
               ORDER BY m.created_at DESC, :key DESC, m.id DESC LIMIT 1)
            SELECT :columns FROM (
              SELECT * FROM own
              UNION ALL
              (SELECT m.* FROM flux.state_mutations m WHERE :moved AND m.created_at <= ?
                  AND (:key, m.id) > (SELECT coalesce(placed_after, id), id FROM own)
                ORDER BY :key DESC, m.id DESC LIMIT 1)
              UNION ALL
              (SELECT m.* FROM flux.state_mutations m WHERE :table AND m.created_at <= ?
                  AND (:key, m.id) > (SELECT coalesce(placed_after, id), id FROM own)
                ORDER BY :key DESC, m.id DESC LIMIT 1)
            ) m ORDER BY :key DESC, m.id DESC LIMIT 1
            """.replace(":key", RowTimeline.KEY).replace(":columns", RecordReader.COLUMNS));
    /** The first TRUNCATE of a table after a place in commit order. */
    private static final String FIRST_TRUNCATE_AFTER = """
            SELECT :columns FROM flux.state_mutations m
             WHERE m.table_schema = ? AND m.table_name = ? AND m.operation = 'TRUNCATE' AND (:key, m.id) > (?, ?):tenant
             ORDER BY :key, m.id LIMIT 1
            """.replace(":key", RowTimeline.KEY).replace(":columns", RecordReader.COLUMNS);
    private static final String FIRST_TRUNCATE_AFTER_OF_ALL = FIRST_TRUNCATE_AFTER.replace(":tenant", "");
    private static final String FIRST_TRUNCATE_AFTER_OF_TENANT = FIRST_TRUNCATE_AFTER.replace(":tenant",
            " AND m.tenant_id = ?");
    /** Bounds for "no bound" on one side of a time window. */
    private static final OffsetDateTime EARLIEST = OffsetDateTime.of(1, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
    private static final OffsetDateTime LATEST = OffsetDateTime.of(9999, 12, 31, 0, 0, 0, 0, ZoneOffset.UTC);

    private RowRecords() {
    }

    private static RowTimeline.Statement page(String direction, String times) {
        return RowTimeline.Statement.of(PAGE.replace(":range", RANGE + times).replace(":order", RowTimeline.KEY + direction));
    }

    /**
     * Up to {@code limit} entries of the row's timeline placed strictly between {@code after} and
     * {@code before}, with {@code from <= created_at < to} (null: unbounded), in commit order,
     * newest first or oldest first.
     */
    public static List<MutationRecord> page(Connection c, RowFilter row, OrderKey after, OrderKey before, Instant from,
                                            Instant to, boolean newestFirst, int limit) {
        List<MutationRecord> records = new ArrayList<>();
        try (PreparedStatement ps = preparePage(c, "", row, after, before, from, to, newestFirst, limit);
             ResultSet rs = ps.executeQuery()) {
            RecordReader reader = new RecordReader(rs);
            while (rs.next()) {
                records.add(reader.read());
            }
        } catch (SQLException e) {
            throw new DatabaseException(e);
        }
        return records;
    }

    /** {@link #page}'s statement behind {@code prefix} (an EXPLAIN, for tests that count what a page reads). */
    static PreparedStatement preparePage(Connection c, String prefix, RowFilter row, OrderKey after, OrderKey before,
                                         Instant from, Instant to, boolean newestFirst, int limit) throws SQLException {
        boolean timed = from != null || to != null;
        RowTimeline.Statement page = timed ? (newestFirst ? PAGE_NEWEST_IN_TIMES : PAGE_OLDEST_IN_TIMES)
                : (newestFirst ? PAGE_NEWEST : PAGE_OLDEST);
        PreparedStatement ps = c.prepareStatement(prefix + page.text(row));
        try {
            bindPage(ps, row, after, before, from, to, limit);
            return ps;
        } catch (SQLException | RuntimeException e) {
            ps.close();
            throw e;
        }
    }

    private static void bindPage(PreparedStatement ps, RowFilter row, OrderKey after, OrderKey before, Instant from,
                                 Instant to, int limit) throws SQLException {
        int i = 1;
        for (int branch = 0; branch < 3; branch++) {
            i = branch < 2 ? row.bind(ps, i) : row.bindTable(ps, i);
            ps.setLong(i++, after.position());
            ps.setLong(i++, after.id());
            ps.setLong(i++, before.position());
            ps.setLong(i++, before.id());
            if (from != null || to != null) {
                ps.setObject(i++, from == null ? EARLIEST : utc(from));
                ps.setObject(i++, to == null ? LATEST : utc(to));
            }
            if (branch == 2) {
                i = row.bindExisted(ps, i);
            }
            ps.setInt(i++, limit);
        }
        ps.setInt(i, limit);
    }

    /** The place of the row's first entry at or after {@code at}, or null. */
    public static OrderKey firstFrom(Connection c, RowFilter row, Instant at) {
        return probe(c, FIRST_FROM, row, at);
    }

    /** The place of the row's last entry before {@code at}, or null. */
    public static OrderKey lastBefore(Connection c, RowFilter row, Instant at) {
        return probe(c, LAST_BEFORE, row, at);
    }

    /** Whether the log has any record of the row (for the reader's tenant), a key change away included. */
    public static boolean exists(Connection c, RowFilter row) {
        try (PreparedStatement ps = c.prepareStatement(ANY_RECORD.text(row))) {
            row.bind(ps, row.bind(ps, 1));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new DatabaseException(e);
        }
    }

    /**
     * The row's last committed record at or before {@code at}: its after image is the row as it was
     * then (every committed record carries the whole row, docs/contracts.md); or, when the row's key
     * changed away or its table was truncated after that record, that record (the row was gone);
     * empty before the row's first record.
     */
    public static Optional<MutationRecord> lastCommittedAt(Connection c, RowFilter row, Instant at) {
        try (PreparedStatement ps = c.prepareStatement(LAST_AT.text(row))) {
            bindEachSource(ps, row, at);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new RecordReader(rs).read()) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new DatabaseException(e);
        }
    }

    /**
     * The first TRUNCATE of a table placed after {@code after} (for the reader's tenant, null: any):
     * the one that emptied a row whose last record is at {@code after}.
     */
    public static Optional<MutationRecord> firstTruncateAfter(Connection c, String tableSchema, String tableName,
                                                              String tenantId, OrderKey after) {
        try (PreparedStatement ps = c.prepareStatement(tenantId == null ? FIRST_TRUNCATE_AFTER_OF_ALL
                : FIRST_TRUNCATE_AFTER_OF_TENANT)) {
            ps.setString(1, tableSchema);
            ps.setString(2, tableName);
            ps.setLong(3, after.position());
            ps.setLong(4, after.id());
            if (tenantId != null) {
                ps.setString(5, tenantId);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new RecordReader(rs).read()) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new DatabaseException(e);
        }
    }

    private static OrderKey probe(Connection c, RowTimeline.Statement sql, RowFilter row, Instant at) {
        try (PreparedStatement ps = c.prepareStatement(sql.text(row))) {
            bindEachSource(ps, row, at);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new OrderKey(rs.getLong("p"), rs.getLong("id")) : null;
            }
        } catch (SQLException e) {
            throw new DatabaseException(e);
        }
    }

    /** Binds the row's own records, its key changes away, its table's TRUNCATEs, each with time {@code at}. */
    private static void bindEachSource(PreparedStatement ps, RowFilter row, Instant at) throws SQLException {
        int i = row.bind(ps, 1);
        ps.setObject(i++, utc(at));
        i = row.bind(ps, i);
        ps.setObject(i++, utc(at));
        i = row.bindTable(ps, i);
        ps.setObject(i, utc(at));
    }

    private static OffsetDateTime utc(Instant at) {
        return at.atOffset(ZoneOffset.UTC);
    }
}

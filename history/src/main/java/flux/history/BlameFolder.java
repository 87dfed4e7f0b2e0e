package flux.history;

import flux.pg.LockKeys;
import flux.pg.Transactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Folds the mutation log into the blame summary {@code flux.row_blame}, in the background and in
 * batches, so that no logged write pays for blame (a trigger doing this inside every write halved
 * the log's insert rate). The summary keeps, per column, the latest record in the row's commit
 * order (history-schema.sql), so a raw SQL write that capture recorded late still yields to the
 * API writes that committed after it. Blame reads stay exact while the folder is behind or stopped: they fold
 * the row's records above the watermark themselves ({@link ColumnBlame}).
 *
 * <p>The watermark, {@code flux.row_blame_progress.folded_through}, promises that every record
 * at or below it is folded. Ids are taken in one order and committed in another, so a gap in the
 * ids the folder sees may still fill: a <em>hole</em>. Each hole is remembered with a horizon,
 * the folder's own transaction id taken after the gap was seen. Every writer of the log holds a
 * transaction id before it takes a record id (the engine's statement writes the data row
 * first; the other writers ask for their id first, see flux.log), so the hole's writer has
 * an id below the horizon, and once the oldest running transaction is newer than the horizon,
 * the writer has ended: the hole is read once more (what committed is folded) and forgotten.
 * The watermark stays below the oldest open hole.
 *
 * <p>One folder works at a time ({@link LockKeys#BLAME_FOLDER}, transaction-level); others skip their turn.
 * Its statement writes history's summary from the log, so it lives here, by the rule in
 * {@code flux.log}'s package comment.
 * State is in memory; a restarted folder resumes at the watermark and folds a few records twice,
 * which folding tolerates.
 */
public final class BlameFolder implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BlameFolder.class);
    static final int BATCH = 5000;
    /** The records a row has before it gets a summary (see {@code FOLD}). */
    static final int SUMMARY_AFTER = 16;
    /** Whether the batch's latest committed record of a row comes after the stored one, in commit order. */
    private static final String LATER = "EXCLUDED.latest_id IS NOT NULL AND (b.latest_id IS NULL"
            + " OR (EXCLUDED.latest_key, EXCLUDED.latest_id) > (coalesce(b.latest_key, b.latest_id), b.latest_id))";

    /**
     * Folds the records with ids in {@code (?, ?]} (at most {@code ?} of them, lowest first) into
     * {@code flux.row_blame}, aggregated per row first (each row's summary is written once per
     * batch), and answers how many records it read, the highest id, the gaps between the ids
     * (starting from the first bound), and, beside each gap, a transaction id taken after the
     * snapshot (the horizon of those gaps; taken only when there is a gap, so an idle folder
     * consumes no transaction ids).
     *
     * <p>A row with fewer than {@link #SUMMARY_AFTER} records gets no summary: blame reads such a
     * row's records directly (BlameRead), no more than it reads from a summary of a table of eight
     * columns (two records per column). Most rows are written a few times only, and a summary
     * written for each of their records would cost more than every blame read of them: 44-72 us
     * of server CPU and 250-280 B of WAL per record folded, against 10-14 us to pass a record by
     * (BENCHMARKS.md, "Write run 15"). A batch in which a row has a record other than a committed
     * INSERT counts the row's records (over the whole log, so at most {@link #SUMMARY_AFTER} are
     * read), and when there are that many creates the row's summary from all its records up to
     * this batch; from then on every record of the row is folded into it. A committed INSERT alone
     * is not counted (most rows are inserted and never written again, and the count would cost
     * every insert 4-5 us): so a row without a summary has at most {@code SUMMARY_AFTER - 1}
     * records at or below the watermark besides the committed INSERTs after its last other record
     * (a row inserted again after every TRUNCATE of its table gets no summary, as before).
     */
    private static final String FOLD = """
            WITH batch AS MATERIALIZED (
                SELECT m.id, coalesce(m.placed_after, m.id) AS k, m.table_schema, m.table_name, m.row_id, m.operation,
                       m.status, kn.known,
                       CASE WHEN kn.known
                            THEN flux.blame_columns(m.operation, m.status, m.changed_columns, m.old, m.new) END AS cols
                FROM flux.state_mutations m
                CROSS JOIN LATERAL (SELECT EXISTS (
                    SELECT 1 FROM flux.row_blame b WHERE b.table_schema = m.table_schema
                        AND b.table_name = m.table_name AND b.row_id = m.row_id) AS known) kn
                WHERE m.id > ? AND m.id <= ? ORDER BY m.id LIMIT ?),
            new_rows AS (
                SELECT n.* FROM (SELECT DISTINCT table_schema, table_name, row_id FROM batch
                                 WHERE NOT known AND NOT (operation = 'INSERT' AND status = 'committed')
                                   AND operation <> 'TRUNCATE') n
                WHERE (SELECT count(*) FROM (SELECT 1 FROM flux.state_mutations m WHERE m.table_schema = n.table_schema
                           AND m.table_name = n.table_name AND m.row_id = n.row_id LIMIT :summaryAfter) c) = :summaryAfter),
            r AS MATERIALIZED (
                SELECT id, k, table_schema, table_name, row_id, status = 'committed' AS committed, cols
                FROM batch WHERE known AND operation <> 'TRUNCATE'
                UNION ALL
                SELECT m.id, coalesce(m.placed_after, m.id), m.table_schema, m.table_name, m.row_id,
                       m.status = 'committed', flux.blame_columns(m.operation, m.status, m.changed_columns, m.old, m.new)
                FROM new_rows n JOIN flux.state_mutations m ON m.table_schema = n.table_schema
                    AND m.table_name = n.table_name AND m.row_id = n.row_id
                WHERE m.id <= (SELECT max(id) FROM batch)),
            per_row AS (
                SELECT table_schema, table_name, row_id, max(ARRAY[k, id]) FILTER (WHERE committed) AS latest
                FROM r GROUP BY 1, 2, 3),
            per_column AS (
                SELECT table_schema, table_name, row_id, col,
                       max(ARRAY[k, id]) FILTER (WHERE committed) AS set_by,
                       max(ARRAY[k, id]) FILTER (WHERE NOT committed) AS tried_by
                FROM r, unnest(r.cols) AS col GROUP BY 1, 2, 3, 4),
            maps AS (
                SELECT table_schema, table_name, row_id,
                       COALESCE(jsonb_object_agg(col, flux.blame_ref(set_by)) FILTER (WHERE set_by IS NOT NULL), '{}')
                           AS committed,
                       COALESCE(jsonb_object_agg(col, flux.blame_ref(tried_by)) FILTER (WHERE tried_by IS NOT NULL), '{}')
                           AS attempted
                FROM per_column GROUP BY 1, 2, 3),
            folded AS (
                INSERT INTO flux.row_blame AS b (table_schema, table_name, row_id, latest_id, latest_key, committed,
                                                 attempted)
                SELECT p.table_schema, p.table_name, p.row_id, p.latest[2], p.latest[1],
                       COALESCE(m.committed, '{}'), COALESCE(m.attempted, '{}')
                FROM per_row p LEFT JOIN maps m USING (table_schema, table_name, row_id)
                ON CONFLICT (table_schema, table_name, row_id) DO UPDATE SET
                    latest_id = CASE WHEN :later THEN EXCLUDED.latest_id ELSE b.latest_id END,
                    latest_key = CASE WHEN :later THEN EXCLUDED.latest_key ELSE b.latest_key END,
                    committed = flux.blame_merge(b.committed, EXCLUDED.committed),
                    attempted = flux.blame_merge(b.attempted, EXCLUDED.attempted)
                RETURNING 1),
            gaps AS (
                SELECT first, last FROM (
                    SELECT lag(id, 1, CAST(? AS bigint)) OVER (ORDER BY id) + 1 AS first, id - 1 AS last FROM batch) g
                WHERE first <= last)
            SELECT (SELECT count(*) FROM batch) AS read, (SELECT max(id) FROM batch) AS highest,
                   CASE WHEN gaps.first IS NOT NULL THEN pg_current_xact_id()::text END AS horizon,
                   (SELECT count(*) FROM folded) AS folded, gaps.first, gaps.last
            FROM (SELECT 1) AS one LEFT JOIN gaps ON true
            """.replace(":later", LATER).replace(":summaryAfter", Integer.toString(SUMMARY_AFTER));

    private final DataSource dataSource;
    /** Open holes by first id: ids not seen yet that may still commit. */
    private final TreeMap<Long, Hole> holes = new TreeMap<>();
    /** Highest id read so far; -1 until synchronized with the stored watermark. */
    private long scanned = -1;
    private long watermark;
    private volatile Thread thread;
    private volatile boolean closed;

    public BlameFolder(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Starts a daemon thread that folds until {@link #close}, pausing {@code idle} when caught up. */
    public BlameFolder start(Duration idle) {
        Thread t = new Thread(() -> run(idle), "flux-blame-folder");
        t.setDaemon(true);
        thread = t;
        t.start();
        return this;
    }

    /**
     * Folds what it can in one transaction: ripe holes, then up to {@link #BATCH} new records.
     *
     * @return the number of records read (0: nothing new, or another folder holds the lock)
     */
    public synchronized int foldOnce() {
        try {
            return Transactions.call(dataSource, this::fold);
        } catch (RuntimeException e) {
            scanned = -1; // re-read the stored watermark next time
            throw e;
        }
    }

    /** The watermark this folder last stored. */
    public synchronized long watermark() {
        return watermark;
    }

    private int fold(Connection c) throws SQLException {
        if (!LockKeys.BLAME_FOLDER.tryLockForTransaction(c)) {
            scanned = -1; // someone else folds: our holes may be stale when the turn comes back
            return 0;
        }
        long stored = Long.parseLong(single(c, "SELECT folded_through FROM flux.row_blame_progress"));
        if (scanned < 0 || stored != watermark) {
            holes.clear();
            scanned = stored;
            watermark = stored;
        }
        int read = foldRipeHoles(c);
        read += foldNext(c);
        long next = holes.isEmpty() ? scanned : holes.firstKey() - 1;
        if (next != watermark) {
            try (PreparedStatement ps = c.prepareStatement("UPDATE flux.row_blame_progress SET folded_through = ?")) {
                ps.setLong(1, next);
                ps.executeUpdate();
            }
            watermark = next;
        }
        return read;
    }

    /** Re-reads holes whose writers have all ended; whatever they committed is folded, the rest was never written. */
    private int foldRipeHoles(Connection c) throws SQLException {
        if (holes.isEmpty()) {
            return 0;
        }
        long oldestRunning = Long.parseLong(single(c, "SELECT pg_snapshot_xmin(pg_current_snapshot())::text"));
        int read = 0;
        for (Iterator<Hole> it = holes.values().iterator(); it.hasNext(); ) {
            Hole hole = it.next();
            if (hole.horizon < oldestRunning) {
                read += fold(c, hole.first - 1, hole.last, Integer.MAX_VALUE).read;
                it.remove();
            }
        }
        return read;
    }

    private int foldNext(Connection c) throws SQLException {
        Batch batch = fold(c, scanned, Long.MAX_VALUE, BATCH);
        for (Hole hole : batch.gaps) {
            holes.put(hole.first, hole);
        }
        scanned = Math.max(scanned, batch.highest);
        return batch.read;
    }

    private static Batch fold(Connection c, long after, long upTo, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(FOLD)) {
            ps.setLong(1, after);
            ps.setLong(2, upTo);
            ps.setInt(3, limit);
            ps.setLong(4, after);
            try (ResultSet rs = ps.executeQuery()) {
                Batch batch = new Batch(new ArrayList<>());
                while (rs.next()) {
                    batch.read = rs.getInt("read");
                    batch.highest = rs.getLong("highest");
                    if (rs.getObject("first") != null) {
                        batch.gaps.add(new Hole(rs.getLong("first"), rs.getLong("last"),
                                Long.parseLong(rs.getString("horizon"))));
                    }
                }
                return batch;
            }
        }
    }

    private static String single(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private void run(Duration idle) {
        while (!closed) {
            try {
                if (foldOnce() < BATCH) {
                    Thread.sleep(idle.toMillis());
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (closed) {
                    return; // the interrupt of close() (or the pool closing with it) broke the fold: nothing to report
                }
                log.warn("blame folding failed, retrying in 1 s: {}", e.getMessage());
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException stop) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        Thread t = thread;
        if (t != null) {
            t.interrupt();
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** What one fold statement read: how many records, the highest id, the gaps below it. */
    private static final class Batch {
        final List<Hole> gaps;
        int read;
        long highest = -1;

        Batch(List<Hole> gaps) {
            this.gaps = gaps;
        }
    }

    /** Ids {@code first..last} not seen yet; their writers all started before transaction {@code horizon}. */
    private record Hole(long first, long last, long horizon) {
    }
}

package flux.capture.snapshot;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import flux.capture.CaptureConfig;
import flux.capture.pg.PgConnections;
import flux.capture.wal.RowIds;
import flux.pg.DatabaseException;
import flux.pg.Identifiers;
import flux.pg.Transactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Works through the running snapshots of {@code flux.capture_snapshots}, oldest first, one chunk at a
 * time in primary key order up to the highest key when it was asked for: low watermark, read the chunk
 * after the last key done (with the
 * snapshot's filter, in a read-only transaction), hand it to {@link SnapshotWindows}, high watermark,
 * then wait until the streaming thread published the chunk and Kafka acknowledged it before recording
 * the chunk's last key. A restart therefore resumes after the last chunk Kafka holds (a chunk may be
 * published twice, never skipped). A cancelled snapshot stops at the next chunk. One per engine run,
 * on a thread of its own, with a connection of its own.
 */
public final class SnapshotRunner implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SnapshotRunner.class);
    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);
    /** Numbers as written (numeric(12,2) 10.50 stays 10.50), like the WAL's images. */
    private static final ObjectMapper JSON = new ObjectMapper().setNodeFactory(NODES)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    /** A chunk whose high watermark was not published by then is read again (the engine restarted meanwhile). */
    private static final Duration CHUNK_PATIENCE = Duration.ofSeconds(60);
    /**
     * With no snapshot running the runner waits for {@link SnapshotStore#REQUESTED} (sent when one is
     * asked for), looking at {@code stopping} this often; it looks at the table anyway after
     * {@link #IDLE_RECHECK}, for a notification sent while its connection was being reopened.
     */
    private static final int LISTEN_SLICE_MILLIS = 500;
    private static final Duration IDLE_RECHECK = Duration.ofSeconds(30);

    private final CaptureConfig config;
    private final SnapshotWindows windows;
    private final Thread thread;
    private volatile boolean stopping;

    public SnapshotRunner(CaptureConfig config, SnapshotWindows windows) {
        this.config = config;
        this.windows = windows;
        this.thread = new Thread(this::run, "flux-capture-snapshots-" + config.slotName());
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    private void run() {
        Connection c = null;
        while (!stopping) {
            try {
                if (c == null || c.isClosed()) {
                    c = PgConnections.open(config, "snapshots");
                    try (Statement st = c.createStatement()) {
                        st.execute("SET TIME ZONE 'UTC'");
                        st.execute("LISTEN " + SnapshotStore.REQUESTED); // before the first look: none is missed
                    }
                }
                Optional<Snapshot> next = SnapshotStore.nextRunning(c);
                if (next.isEmpty()) {
                    awaitRequest(c);
                } else {
                    chunk(c, next.get());
                }
            } catch (InterruptedException e) {
                break;
            } catch (SQLException | RuntimeException e) {
                if (stopping) {
                    break;
                }
                log.warn("capture {}: snapshot runner: {}; trying again", config.slotName(), e.toString(), e);
                PgConnections.closeQuietly(c);
                c = null;
                try {
                    pause(Duration.ofSeconds(1));
                } catch (InterruptedException stop) {
                    break;
                }
            }
        }
        PgConnections.closeQuietly(c);
    }

    /** One chunk of the snapshot; marks it done after the last. */
    private void chunk(Connection c, Snapshot s) throws SQLException, InterruptedException {
        if (s.maxKey() == null) {
            SnapshotStore.end(c, s.id(), Snapshot.DONE, null); // no row matched when it was asked for
            return;
        }
        List<String> key = SnapshotStore.keyColumns(c, s.schema(), s.table());
        if (key.isEmpty()) {
            SnapshotStore.end(c, s.id(), Snapshot.FAILED, "the table no longer exists or has no primary key");
            return;
        }
        SnapshotWindows.Window w = windows.open(s);
        try {
            long started = System.nanoTime();
            watermark(c, w.id, "low");
            long lowWritten = System.nanoTime();
            List<SnapshotWindows.Row> rows;
            try {
                rows = read(c, s, key);
            } catch (SQLException | DatabaseException failure) {
                SQLException e = DatabaseException.sqlCauseOf(failure);
                if (e.getSQLState() != null && (e.getSQLState().startsWith("42") || e.getSQLState().startsWith("22"))) {
                    SnapshotStore.end(c, s.id(), Snapshot.FAILED, e.getMessage()); // the table or the filter changed
                    log.warn("capture {}: snapshot {} of {} failed: {}", config.slotName(), s.id(), s.qualifiedName(),
                            e.getMessage());
                    return;
                }
                throw e;
            }
            if (rows.isEmpty()) {
                SnapshotStore.end(c, s.id(), Snapshot.DONE, null);
                log.info("capture {}: snapshot {} of {} done ({} rows)", config.slotName(), s.id(), s.qualifiedName(),
                        s.rowsDone());
                clearWatermarks(c);
                return;
            }
            long read = System.nanoTime();
            windows.fill(w, rows);
            watermark(c, w.id, "high");
            long highWritten = System.nanoTime();
            if (awaitPublished(w)) {
                long acknowledged = System.nanoTime();
                SnapshotWindows.Row last = rows.get(rows.size() - 1);
                SnapshotStore.chunkDone(c, s.id(), last.key().toString(), rows.size());
                if (log.isDebugEnabled()) { // where a chunk's time goes (docs/capture.md, "What a chunk costs")
                    log.debug("capture {}: snapshot {} chunk of {} rows, ms: low watermark written {}, read {},"
                            + " high watermark written {}, streamed and acknowledged by Kafka {}, progress stored {}",
                            config.slotName(), s.id(), rows.size(), millis(started, lowWritten), millis(lowWritten, read),
                            millis(read, highWritten), millis(highWritten, acknowledged),
                            millis(acknowledged, System.nanoTime()));
                }
            }
        } finally {
            windows.forget(w);
        }
    }

    private boolean awaitPublished(SnapshotWindows.Window w) throws InterruptedException {
        long deadline = System.nanoTime() + CHUNK_PATIENCE.toNanos();
        while (!stopping && System.nanoTime() < deadline) {
            try {
                w.published.get(200, TimeUnit.MILLISECONDS);
                return true;
            } catch (TimeoutException e) {
                // still streaming towards the high watermark
            } catch (ExecutionException e) {
                return false;
            }
        }
        return false;
    }

    /** The next chunk: rows after the last key done, in key order, as {@code to_jsonb} renders them. */
    private static List<SnapshotWindows.Row> read(Connection c, Snapshot s, List<String> key) throws SQLException {
        String table = Identifiers.qualified(s.schema(), s.table());
        String columns = key.stream().map(k -> "t." + Identifiers.quote(k)).collect(Collectors.joining(", "));
        StringBuilder sql = new StringBuilder("SELECT to_jsonb(t)::text FROM ").append(table).append(" t WHERE true");
        if (s.lastKey() != null) {
            sql.append(" AND (").append(columns).append(") > (SELECT ")
                    .append(key.stream().map(k -> "k." + Identifiers.quote(k)).collect(Collectors.joining(", ")))
                    .append(" FROM jsonb_populate_record(NULL::").append(table).append(", CAST(? AS jsonb)) k)");
        }
        sql.append(" AND (").append(columns).append(") <= (SELECT ")
                .append(key.stream().map(k -> "m." + Identifiers.quote(k)).collect(Collectors.joining(", ")))
                .append(" FROM jsonb_populate_record(NULL::").append(table).append(", CAST(? AS jsonb)) m)");
        if (s.filter() != null) {
            sql.append(" AND ").append(SnapshotFilter.wrapped(s.filter()));
        }
        sql.append(" ORDER BY ").append(columns).append(" LIMIT ?");
        return Transactions.rollBackAfter(c, x -> {
            try (Statement st = x.createStatement()) {
                st.execute("SET TRANSACTION READ ONLY"); // the admin's filter cannot write
            }
            try (PreparedStatement st = x.prepareStatement(sql.toString())) {
                int p = 1;
                if (s.lastKey() != null) {
                    st.setString(p++, s.lastKey());
                }
                st.setString(p++, s.maxKey());
                st.setInt(p, s.chunkSize());
                try (ResultSet rs = st.executeQuery()) {
                    List<SnapshotWindows.Row> rows = new ArrayList<>();
                    while (rs.next()) {
                        rows.add(row(image(rs.getString(1)), key));
                    }
                    return rows;
                }
            }
        });
    }

    private static JsonNode image(String json) throws SQLException {
        try {
            return JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new SQLException("to_jsonb gave what is not JSON: " + e.getMessage(), e);
        }
    }

    private static SnapshotWindows.Row row(JsonNode image, List<String> key) {
        ObjectNode k = NODES.objectNode();
        for (String column : key) {
            k.set(column, image.get(column));
        }
        return new SnapshotWindows.Row(k, RowIds.of(k), (ObjectNode) image);
    }

    private static void watermark(Connection c, String window, String kind) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(
                "INSERT INTO flux.capture_snapshot_watermarks (window_id, kind) VALUES (?, ?)")) {
            st.setString(1, window);
            st.setString(2, kind);
            st.executeUpdate();
        }
    }

    /** Old watermarks are of no use once streamed; their deletions stream too, and are ignored. */
    private static void clearWatermarks(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("DELETE FROM flux.capture_snapshot_watermarks");
        }
    }

    /**
     * Waits until a snapshot is asked for (a notification on the runner's connection), capture stops,
     * or {@link #IDLE_RECHECK} passed. A request is seen at once, not at the next turn of a timer.
     */
    private void awaitRequest(Connection c) throws SQLException {
        PGConnection pg = c.unwrap(PGConnection.class);
        long deadline = System.nanoTime() + IDLE_RECHECK.toNanos();
        while (!stopping && System.nanoTime() < deadline) {
            PGNotification[] notes = pg.getNotifications(LISTEN_SLICE_MILLIS);
            if (notes != null && notes.length > 0) {
                return;
            }
        }
    }

    private static String millis(long from, long to) {
        return String.format(java.util.Locale.ROOT, "%.1f", (to - from) / 1e6);
    }

    private void pause(Duration d) throws InterruptedException {
        Thread.sleep(d.toMillis());
    }

    @Override
    public void close() {
        stopping = true;
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

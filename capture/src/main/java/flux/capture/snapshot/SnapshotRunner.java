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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Works through the running snapshots of {@code flux.capture_snapshots}, oldest first, in chunks in
 * primary key order up to the highest key when it was asked for. Per chunk: low watermark, read the
 * chunk after the last key read (with the snapshot's filter, in a read-only transaction), hand it to
 * {@link SnapshotWindows}, high watermark. It does not wait for the stream between chunks: up to
 * {@link SnapshotSettings#chunksInFlight} chunks are between their watermarks at once, and the runner
 * waits for the oldest to be published by the streaming thread and acknowledged by Kafka before it
 * records that chunk's last key (progress, in key order) and reads the next. A restart therefore
 * resumes after the last chunk Kafka holds (the chunks that were in flight may be published twice,
 * none is skipped). A cancelled snapshot stops once its oldest chunk in flight is acknowledged. One per
 * engine run, on a thread of its own, with a connection of its own.
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
    /** Told what the runner is doing (null when it works on no snapshot): capture status. */
    private final Consumer<SnapshotProgress> progress;
    private final Thread thread;
    private volatile boolean stopping;

    public SnapshotRunner(CaptureConfig config, SnapshotWindows windows, Consumer<SnapshotProgress> progress) {
        this.config = config;
        this.windows = windows;
        this.progress = progress;
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
                    work(c, next.get());
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

    /** A chunk read and between its watermarks, waiting for the stream. */
    private record Chunk(SnapshotWindows.Window window, String lastKey, int rows, long highWritten) {
        /** Not a chunk: the next row's writer was in flight when it was read; read it again after a pause. */
        static final Chunk WRITER_IN_FLIGHT = new Chunk(null, null, 0, 0);
    }

    /** How long the runner waits before reading again a row whose writer was in flight (and nothing else is in flight). */
    private static final long IN_FLIGHT_PAUSE_MS = 20;

    /** The chunk's rows, up to (not including) the first one a transaction in flight was writing. */
    private record ChunkRead(List<SnapshotWindows.Row> rows, boolean endsAtAWriter) {
    }

    /**
     * Works on the snapshot until it ends, is cancelled, capture stops, or a chunk's high watermark did
     * not stream in time (then the caller comes back and reads again after the progress stored). Keeps
     * up to {@link SnapshotSettings#chunksInFlight} chunks between their watermarks; stores progress in
     * key order, each chunk once Kafka acknowledged it.
     */
    private void work(Connection c, Snapshot s) throws SQLException, InterruptedException {
        if (s.maxKey() == null) {
            SnapshotStore.end(c, s.id(), Snapshot.DONE, null); // no row matched when it was asked for
            return;
        }
        List<String> key = SnapshotStore.keyColumns(c, s.schema(), s.table());
        if (key.isEmpty()) {
            SnapshotStore.end(c, s.id(), Snapshot.FAILED, "the table no longer exists or has no primary key");
            return;
        }
        Deque<Chunk> inFlight = new ArrayDeque<>();
        String readUpTo = s.lastKey();
        String progressKey = s.lastKey();
        boolean allRead = false;
        long rowsEmitted = 0;
        long chunksPublished = 0;
        try {
            while (!stopping) {
                while (!allRead && inFlight.size() < config.snapshots().chunksInFlight() && !stopping) {
                    Chunk next;
                    try {
                        next = readChunk(c, s, key, readUpTo);
                    } catch (SQLException | DatabaseException failure) {
                        SQLException e = DatabaseException.sqlCauseOf(failure);
                        if (e.getSQLState() != null && (e.getSQLState().startsWith("42") || e.getSQLState().startsWith("22"))) {
                            SnapshotStore.end(c, s.id(), Snapshot.FAILED, e.getMessage()); // the table or the filter changed
                            log.warn("capture {}: snapshot {} of {} failed: {}", config.slotName(), s.id(),
                                    s.qualifiedName(), e.getMessage());
                            return;
                        }
                        throw e;
                    }
                    if (next == Chunk.WRITER_IN_FLIGHT) {
                        if (inFlight.isEmpty()) {
                            if (!SnapshotStore.find(c, s.id()).map(x -> x.status().equals(Snapshot.RUNNING)).orElse(false)) {
                                return; // cancelled while held at the row (otherwise seen when a chunk is stored)
                            }
                            Thread.sleep(IN_FLIGHT_PAUSE_MS);
                        }
                        break; // the chunks in flight are awaited first, then the row is read again
                    }
                    if (next == null) {
                        allRead = true;
                    } else {
                        inFlight.addLast(next);
                        readUpTo = next.lastKey();
                    }
                    report(s, rowsEmitted, chunksPublished, progressKey, readUpTo, inFlight.size());
                }
                Chunk oldest = inFlight.peekFirst();
                if (oldest == null && !allRead) {
                    continue; // a row's writer was in flight: read again
                }
                if (oldest == null) {
                    if (allRead) {
                        SnapshotStore.end(c, s.id(), Snapshot.DONE, null);
                        log.info("capture {}: snapshot {} of {} done ({} rows)", config.slotName(), s.id(),
                                s.qualifiedName(), SnapshotStore.find(c, s.id()).map(Snapshot::rowsDone).orElse(0L));
                        clearWatermarks(c);
                    }
                    return;
                }
                Integer published = awaitPublished(oldest.window());
                if (published == null) {
                    return; // stopping, or not streamed in time: read again after the progress stored
                }
                inFlight.removeFirst();
                windows.forget(oldest.window());
                long acknowledged = System.nanoTime();
                if (!SnapshotStore.chunkDone(c, s.id(), oldest.lastKey(), oldest.rows())) {
                    return; // cancelled meanwhile: the chunks still in flight are given up
                }
                progressKey = oldest.lastKey();
                rowsEmitted += published;
                chunksPublished++;
                report(s, rowsEmitted, chunksPublished, progressKey, readUpTo, inFlight.size());
                if (log.isDebugEnabled()) { // where a chunk's time goes (docs/capture.md, "What a chunk costs")
                    log.debug("capture {}: snapshot {} chunk of {} rows ({} published), ms: high watermark written to"
                            + " acknowledged {}, progress stored {}; {} more in flight", config.slotName(), s.id(),
                            oldest.rows(), published, millis(oldest.highWritten(), acknowledged),
                            millis(acknowledged, System.nanoTime()), inFlight.size());
                }
            }
        } finally {
            inFlight.forEach(chunk -> windows.forget(chunk.window()));
            progress.accept(null);
        }
    }

    /**
     * Opens a window (low watermark), reads the chunk after {@code after}, hands it over and closes the
     * window (high watermark); null when no row is left, {@link Chunk#WRITER_IN_FLIGHT} when the first
     * row's writer was in flight (the window is given up in both cases).
     */
    private Chunk readChunk(Connection c, Snapshot s, List<String> key, String after) throws SQLException {
        SnapshotWindows.Window w = windows.open(s);
        boolean handedOver = false;
        try {
            long started = System.nanoTime();
            watermark(c, w.id, "low");
            long lowWritten = System.nanoTime();
            ChunkRead chunk = read(c, s, key, after);
            List<SnapshotWindows.Row> rows = chunk.rows();
            if (rows.isEmpty()) {
                return chunk.endsAtAWriter() ? Chunk.WRITER_IN_FLIGHT : null;
            }
            long read = System.nanoTime();
            windows.fill(w, rows);
            watermark(c, w.id, "high");
            long highWritten = System.nanoTime();
            if (log.isDebugEnabled()) {
                log.debug("capture {}: snapshot {} chunk of {} rows read, ms: low watermark written {}, read {},"
                        + " high watermark written {}", config.slotName(), s.id(), rows.size(),
                        millis(started, lowWritten), millis(lowWritten, read), millis(read, highWritten));
            }
            handedOver = true;
            return new Chunk(w, rows.get(rows.size() - 1).key().toString(), rows.size(), highWritten);
        } finally {
            if (!handedOver) {
                windows.forget(w);
            }
        }
    }

    private void report(Snapshot s, long rowsEmitted, long chunksPublished, String progressKey, String readUpTo,
                        int inFlight) {
        progress.accept(new SnapshotProgress(s.id(), s.qualifiedName(), rowsEmitted, chunksPublished, progressKey,
                readUpTo, inFlight));
    }

    /** The rows Kafka acknowledged for the window; null when stopping or its high watermark did not stream in time. */
    private Integer awaitPublished(SnapshotWindows.Window w) throws InterruptedException {
        long deadline = System.nanoTime() + CHUNK_PATIENCE.toNanos();
        while (!stopping && System.nanoTime() < deadline) {
            try {
                return w.published.get(200, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                // still streaming towards the high watermark
            } catch (ExecutionException e) {
                return null;
            }
        }
        return null;
    }

    /**
     * The rows after {@code after} (null: from the first), in key order, as {@code to_jsonb} renders
     * them, up to the first row that a transaction in flight at the read's snapshot was updating,
     * deleting or locking (the row version read has that transaction as its xmax).
     *
     * <p>Why: the windows (SnapshotWindows) hold that every change committed before the low watermark
     * is seen by the chunk's read. PostgreSQL does not quite promise it: a transaction's commit record
     * can precede the low watermark's in the WAL while the transaction is not yet visible (its backend
     * between the WAL flush and leaving the proc array) when the read takes its snapshot. Its change
     * then streams before the window opens, the read sees the row's older version, and the chunk would
     * publish that older image after the change (StreamContractIT saw it on a loaded machine). Such a
     * row's version has the in-flight writer as its xmax, so the chunk ends before it and the row is
     * read again in the next chunk, by which time the writer has ended (a writer that stays open
     * holds the snapshot at that row until it ends, as a row lock would). Not seen: a writer that
     * changed the row in a subtransaction or beside another locker (its xmax is then a
     * subtransaction's or a multixact's id, which the snapshot's list of transactions does not hold).
     */
    private static ChunkRead read(Connection c, Snapshot s, List<String> key, String after) throws SQLException {
        String table = Identifiers.qualified(s.schema(), s.table());
        String columns = key.stream().map(k -> "t." + Identifiers.quote(k)).collect(Collectors.joining(", "));
        StringBuilder sql = new StringBuilder("SELECT to_jsonb(t)::text, t.xmax::text <> '0' AND t.xmax::text::bigint IN")
                .append(" (SELECT x::text::bigint % 4294967296 FROM pg_snapshot_xip(pg_current_snapshot()) x) AS in_flight")
                .append(" FROM ").append(table).append(" t WHERE true");
        if (after != null) {
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
                if (after != null) {
                    st.setString(p++, after);
                }
                st.setString(p++, s.maxKey());
                st.setInt(p, s.chunkSize());
                try (ResultSet rs = st.executeQuery()) {
                    List<SnapshotWindows.Row> rows = new ArrayList<>();
                    while (rs.next()) {
                        if (rs.getBoolean(2)) {
                            return new ChunkRead(rows, true);
                        }
                        rows.add(row(image(rs.getString(1)), key));
                    }
                    return new ChunkRead(rows, false);
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

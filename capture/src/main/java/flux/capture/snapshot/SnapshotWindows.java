package flux.capture.snapshot;

import com.fasterxml.jackson.databind.node.ObjectNode;
import flux.capture.pg.Publication;
import flux.capture.wal.Operation;
import flux.capture.wal.WalChange;
import flux.capture.wal.WalTransaction;
import flux.log.LogSchema;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Where snapshot chunks meet the stream (DBLog's watermarks, as Debezium's incremental snapshots
 * do them). The runner opens a window with a low watermark (a row of
 * {@code flux.capture_snapshot_watermarks}, committed), reads the chunk, hands it over here, and closes
 * the window with a high watermark. The streaming thread sees both in commit order: between them it
 * notes every key of the table that a streamed change touched; at the high watermark the chunk, minus
 * those keys, is published right there in the stream. So a row's READ image is never older than a
 * change published before it (those committed before the low watermark, which the chunk's read
 * sees), and a change after the high watermark comes after it; a change in between wins over the chunk,
 * being as new as it or newer.
 * <p>
 * Several windows may be waiting for the stream at once (the runner keeps up to
 * {@link SnapshotSettings#chunksInFlight} chunks in flight). Each is judged on its own watermarks only:
 * a change counts against every window open at that point of the stream, a TRUNCATE of the table drops
 * every such chunk. The runner writes one chunk's watermarks after the previous chunk's, so high
 * watermarks, and with them chunks, reach the stream in key order. Thread-safe: the runner calls
 * {@link #open}, {@link #fill} and {@link #forget}, the streaming thread the rest.
 */
public final class SnapshotWindows {
    private static final String WATERMARK_SCHEMA = LogSchema.SCHEMA;
    private static final String WATERMARK_TABLE = Publication.WATERMARK_TABLE_NAME;

    /** A chunk's row: its key (the Kafka key), row_id and image. */
    public record Row(ObjectNode key, String rowId, ObjectNode image) {
    }

    /** One chunk between its watermarks. */
    public static final class Window {
        final String id = UUID.randomUUID().toString();
        final Snapshot snapshot;
        /** Keys streamed between the watermarks: streaming thread only. */
        private final Set<String> touched = new HashSet<>();
        private boolean truncated;
        /** Low watermark streamed; high watermark streamed (the chunk handed out): streaming thread only. */
        private boolean opened;
        private boolean closed;
        private volatile List<Row> rows;
        /** Completed with the rows published once Kafka acknowledged them; the runner waits on it. */
        final CompletableFuture<Integer> published = new CompletableFuture<>();

        Window(Snapshot snapshot) {
            this.snapshot = snapshot;
        }

        public Snapshot snapshot() {
            return snapshot;
        }

        /** Called once the chunk's READ messages are acknowledged. */
        public void acknowledged(int count) {
            published.complete(count);
        }

        /** Open at this point of the stream: its low watermark came, its high one not yet. */
        private boolean between() {
            return opened && !closed;
        }
    }

    /** The runner's windows in the order it opened them (few: bounded by the chunks in flight). */
    private final List<Window> windows = new CopyOnWriteArrayList<>();

    /** Runner: a new window for the next chunk of the snapshot (its id goes into the watermarks). */
    Window open(Snapshot snapshot) {
        Window w = new Window(snapshot);
        windows.add(w);
        return w;
    }

    /** Runner: the chunk read, before the high watermark is written. */
    void fill(Window w, List<Row> rows) {
        w.rows = rows;
    }

    /** Runner: the window is done with or given up (timed out, stopping); its watermarks are ignored when they come. */
    void forget(Window w) {
        windows.remove(w);
    }

    /** Windows the runner has open: chunks in flight (and at most one being read). */
    int inFlight() {
        return windows.size();
    }

    /** Whether a change is a watermark (not a change to publish). */
    public static boolean isWatermark(WalChange c) {
        return WATERMARK_TABLE.equals(c.table()) && WATERMARK_SCHEMA.equals(c.schema());
    }

    /** {@code tx} without watermark rows; itself when it has none (the usual case: no copy). */
    public static WalTransaction withoutWatermarks(WalTransaction tx) {
        for (WalChange c : tx.changes()) {
            if (isWatermark(c)) {
                return new WalTransaction(tx.xid(), tx.tsMs(), tx.committedAt(),
                        tx.changes().stream().filter(x -> !isWatermark(x)).toList(), tx.records(), tx.commitLsn());
            }
        }
        return tx;
    }

    /**
     * Streaming thread: a watermark arrived. A low one opens its window; a high one closes it and
     * returns the window with the rows to publish ({@link #rowsToPublish}); null otherwise (the
     * watermarks of a window given up, replayed ones, deletions of old watermarks).
     */
    public Window watermark(WalChange c) {
        if (c.operation() != Operation.INSERT || c.after() == null) {
            return null;
        }
        String id = c.after().path("window_id").asText();
        for (Window w : windows) {
            if (w.id.equals(id)) {
                if ("low".equals(c.after().path("kind").asText())) {
                    w.opened = true;
                    return null;
                }
                if (!w.between() || w.rows == null) {
                    return null;
                }
                w.closed = true;
                return w;
            }
        }
        return null;
    }

    /** Streaming thread: notes the keys a published change touched, in every window open on its table. */
    public void streamed(WalChange c) {
        for (Window w : windows) {
            if (!w.between() || !w.snapshot.table().equals(c.table()) || !w.snapshot.schema().equals(c.schema())) {
                continue;
            }
            if (c.operation() == Operation.TRUNCATE) {
                w.truncated = true;
            }
            w.touched.add(c.rowId());
            if (c.oldKey() != null) {
                w.touched.add(c.oldRowId());
            }
        }
    }

    /** Whether any window is open at this point of the stream: the streaming thread looks at changes only then. */
    public boolean anyOpen() {
        for (Window w : windows) {
            if (w.between()) {
                return true;
            }
        }
        return false;
    }

    /** The chunk's rows that no change between the watermarks touched. */
    public static List<Row> rowsToPublish(Window w) {
        if (w.truncated) {
            return List.of();
        }
        List<Row> out = new ArrayList<>(w.rows.size());
        for (Row r : w.rows) {
            if (!w.touched.contains(r.rowId())) {
                out.add(r);
            }
        }
        return out;
    }
}

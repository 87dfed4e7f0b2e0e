package flux.capture.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import flux.capture.wal.Operation;
import flux.capture.wal.WalChange;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The watermark rule (DBLog): a key streamed between a chunk's watermarks is dropped from the chunk. */
class SnapshotWindowsTest {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private final SnapshotWindows windows = new SnapshotWindows();
    private final Snapshot snapshot = new Snapshot("s1", "public", "users", null, 3, Snapshot.RUNNING, null, "{\"id\": 3}", 0, 3,
            null, Instant.now(), Instant.now());

    @Test
    void keysChangedBetweenTheWatermarksAreLeftToTheirChangesTheOthersArePublishedAtTheHighOne() {
        SnapshotWindows.Window w = windows.open(snapshot);
        change("users", 2); // before the low watermark: the chunk's read is newer, it stays
        assertThat(windows.watermark(mark(w, "low"))).isNull();
        assertThat(windows.anyOpen()).isTrue();
        windows.fill(w, List.of(row(1), row(2), row(3)));
        change("users", 3);
        change("orders", 1); // another table's key 1: not this chunk's
        SnapshotWindows.Window closed = windows.watermark(mark(w, "high"));
        assertThat(closed).isSameAs(w);
        assertThat(SnapshotWindows.rowsToPublish(closed)).extracting(SnapshotWindows.Row::rowId).containsExactly("1", "2");
    }

    @Test
    void aTruncateBetweenTheWatermarksDropsTheWholeChunkAndForeignWatermarksAreIgnored() {
        SnapshotWindows.Window w = windows.open(snapshot);
        windows.watermark(mark(w, "low"));
        windows.fill(w, List.of(row(1)));
        windows.streamed(new WalChange("public", "users", Operation.TRUNCATE, NODES.objectNode(), "", null, null, 1, 1,
                1, 0, null));
        assertThat(SnapshotWindows.rowsToPublish(windows.watermark(mark(w, "high")))).isEmpty();

        SnapshotWindows.Window given = windows.open(snapshot);
        windows.forget(given);
        assertThat(windows.watermark(mark(given, "low"))).isNull();
        assertThat(windows.anyOpen()).isFalse();
    }

    @Test
    void windowsInFlightAreEachJudgedOnTheirOwnWatermarks() {
        SnapshotWindows.Window first = windows.open(snapshot);
        SnapshotWindows.Window second = windows.open(snapshot); // read ahead: both wait for the stream
        windows.fill(first, List.of(row(1), row(2)));
        windows.fill(second, List.of(row(3), row(4)));
        windows.watermark(mark(first, "low"));
        change("users", 2);
        change("users", 3); // before the second chunk's low watermark: its read saw it, 3 stays
        assertThat(SnapshotWindows.rowsToPublish(windows.watermark(mark(first, "high"))))
                .extracting(SnapshotWindows.Row::rowId).containsExactly("1");
        assertThat(windows.anyOpen()).isFalse();
        windows.watermark(mark(second, "low"));
        change("users", 1); // the first chunk is out: a change after it comes after it
        change("users", 4);
        assertThat(windows.watermark(mark(first, "high"))).as("a replayed high watermark").isNull();
        assertThat(SnapshotWindows.rowsToPublish(windows.watermark(mark(second, "high"))))
                .extracting(SnapshotWindows.Row::rowId).containsExactly("3");
        assertThat(windows.inFlight()).isEqualTo(2);
        windows.forget(first);
        windows.forget(second);
        assertThat(windows.inFlight()).isZero();
    }

    @Test
    void aTruncateDropsEveryChunkWhoseWindowIsOpenInTheStream() {
        SnapshotWindows.Window first = windows.open(snapshot);
        SnapshotWindows.Window second = windows.open(snapshot);
        windows.fill(first, List.of(row(1)));
        windows.fill(second, List.of(row(2)));
        windows.watermark(mark(first, "low"));
        windows.watermark(mark(second, "low"));
        windows.streamed(new WalChange("public", "users", Operation.TRUNCATE, NODES.objectNode(), "", null, null, 1, 1,
                1, 0, null));
        assertThat(SnapshotWindows.rowsToPublish(windows.watermark(mark(first, "high")))).isEmpty();
        assertThat(SnapshotWindows.rowsToPublish(windows.watermark(mark(second, "high")))).isEmpty();
    }

    private void change(String table, long id) {
        ObjectNode key = NODES.objectNode().put("id", id);
        windows.streamed(new WalChange("public", table, Operation.UPDATE, key, Long.toString(id), key, key, 1, 1, 1, 0,
                null));
    }

    private static WalChange mark(SnapshotWindows.Window w, String kind) {
        ObjectNode row = NODES.objectNode().put("id", 1).put("window_id", w.id).put("kind", kind);
        return new WalChange("flux", "capture_snapshot_watermarks", Operation.INSERT, NODES.objectNode().put("id", 1),
                "1", null, row, 1, 1, 1, 0, null);
    }

    private static SnapshotWindows.Row row(long id) {
        ObjectNode key = NODES.objectNode().put("id", id);
        return new SnapshotWindows.Row(key, Long.toString(id), key);
    }
}

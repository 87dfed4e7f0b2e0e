package flux.capture.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import flux.capture.CaptureConfig;
import flux.capture.pg.CaptureSchema;
import flux.capture.testing.RunningCapture;
import flux.capture.wal.Operation;
import flux.capture.wal.WalChange;
import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The runner keeps several chunks in flight, against real PostgreSQL, with this test as the streaming
 * thread: it plays the watermark rows the runner committed, in commit order, into
 * {@link SnapshotWindows} and acknowledges each chunk handed out. So it controls exactly when a chunk is
 * "streamed", which no live pipeline lets a test do.
 */
@ExtendWith(FluxTestInfra.class)
class SnapshotRunnerIT {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** The runner answers in milliseconds: Awaitility's default 100 ms would be most of the test's time. */
    private static final Duration POLL = Duration.ofMillis(10);
    private static final int ROWS = 100;
    private static final int CHUNK = 10;
    private static final int IN_FLIGHT = 3;
    private final TestPostgres db;

    SnapshotRunnerIT(TestPostgres pg) throws SQLException {
        this.db = pg.newDatabase("snapshot_runner");
        RunningCapture.installCaptureSchema(db.dataSource());
        try (Connection c = db.connect()) {
            CaptureSchema.install(c); // what a pipeline installs when it prepares: none runs here
        }
        execute("CREATE TABLE public.chunked (id bigint PRIMARY KEY, v bigint NOT NULL);"
                + " INSERT INTO public.chunked SELECT g, 0 FROM generate_series(1, " + ROWS + ") g");
    }

    @Test
    void chunksAreReadAheadWithoutWaitingForTheStreamEachJudgedOnItsOwnWatermarksAndStoredInKeyOrder()
            throws Exception {
        String id;
        try (Connection c = db.connect()) {
            id = SnapshotStore.create(c, "chunked", null, CHUNK).id();
        }
        SnapshotWindows windows = new SnapshotWindows();
        AtomicReference<SnapshotProgress> progress = new AtomicReference<>();
        CaptureConfig config = new CaptureConfig(db.host(), db.port(), db.database(), db.user(), db.password(),
                "runner_it", "runner_it", "localhost:9", Duration.ofSeconds(2))
                .withSnapshots(new SnapshotSettings(CHUNK, false, IN_FLIGHT));
        try (SnapshotRunner runner = new SnapshotRunner(config, windows, progress::set)) {
            runner.start();
            // Nothing streams yet: the runner reads three chunks ahead, then waits for the first.
            await().atMost(WAIT).pollInterval(POLL).until(() -> progress.get() != null && progress.get().chunksInFlight() == IN_FLIGHT);
            List<String[]> marks = watermarks(0);
            assertThat(marks).hasSize(2 * IN_FLIGHT).extracting(m -> m[2])
                    .containsExactly("low", "high", "low", "high", "low", "high");
            assertThat(windows.inFlight()).isEqualTo(IN_FLIGHT);
            assertThat(progress.get().readUpTo()).isEqualTo("{\"id\":30}");
            assertThat(progress.get().progressKey()).isNull();
            assertThat(snapshot(id).lastKey()).as("nothing stored before the first chunk is acknowledged").isNull();

            // The stream: keys 15 (chunk 2), 5 (chunk 1, published already) and 25 (chunk 3, in flight but
            // its low watermark not streamed yet, so its read saw the change) change between chunk 2's
            // watermarks: only 15 is dropped, and only from chunk 2.
            List<Long> published = new ArrayList<>();
            long seen = 0;
            int chunks = 0;
            while (!snapshot(id).status().equals(Snapshot.DONE)) {
                long after = seen;
                await().atMost(WAIT).pollInterval(POLL).until(() -> !watermarks(after).isEmpty()
                        || snapshot(id).status().equals(Snapshot.DONE));
                for (String[] m : watermarks(seen)) {
                    seen = Long.parseLong(m[0]);
                    SnapshotWindows.Window w = windows.watermark(mark(m[1], m[2]));
                    if (chunks == 1 && m[2].equals("low")) { // chunk 2's window is open in the stream
                        windows.streamed(change(15));
                        windows.streamed(change(5));
                        windows.streamed(change(25));
                    }
                    if (w != null) {
                        List<SnapshotWindows.Row> rows = SnapshotWindows.rowsToPublish(w);
                        rows.forEach(r -> published.add(r.key().get("id").asLong()));
                        w.acknowledged(rows.size());
                        chunks++;
                        if (chunks == 1) {
                            // Acknowledged: its progress is stored, and one more chunk is read ahead.
                            await().atMost(WAIT).pollInterval(POLL).until(() -> progress.get().chunksPublished() == 1
                                    && progress.get().chunksInFlight() == IN_FLIGHT);
                            assertThat(snapshot(id).lastKey()).isEqualTo("{\"id\": 10}");
                            assertThat(progress.get().readUpTo()).isEqualTo("{\"id\":40}");
                        }
                    }
                }
            }
            assertThat(chunks).isEqualTo(ROWS / CHUNK);
            List<Long> expected = new ArrayList<>();
            for (long k = 1; k <= ROWS; k++) {
                if (k != 15) {
                    expected.add(k);
                }
            }
            assertThat(published).as("in key order, key 15 left to its change").isEqualTo(expected);
            assertThat(snapshot(id).rowsDone()).isEqualTo(ROWS);
            assertThat(snapshot(id).lastKey()).isEqualTo("{\"id\": " + ROWS + "}");
        }
    }

    /** Watermark rows after {@code after}, in commit order (one writer): {id, window_id, kind}. */
    private List<String[]> watermarks(long after) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement st = c.prepareStatement(
                "SELECT id, window_id, kind FROM flux.capture_snapshot_watermarks WHERE id > ? ORDER BY id")) {
            st.setLong(1, after);
            try (ResultSet rs = st.executeQuery()) {
                List<String[]> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
                }
                return out;
            }
        }
    }

    private Snapshot snapshot(String id) throws SQLException {
        try (Connection c = db.connect()) {
            return SnapshotStore.find(c, id).orElseThrow();
        }
    }

    private void execute(String sql) throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static WalChange mark(String window, String kind) {
        ObjectNode row = NODES.objectNode().put("id", 1).put("window_id", window).put("kind", kind);
        return new WalChange("flux", "capture_snapshot_watermarks", Operation.INSERT, NODES.objectNode().put("id", 1),
                "1", null, row, 1, 1, 1, 0, null);
    }

    private static WalChange change(long id) {
        ObjectNode key = NODES.objectNode().put("id", id);
        return new WalChange("public", "chunked", Operation.UPDATE, key, Long.toString(id), key, key, 1, 1, 1, 0, null);
    }
}

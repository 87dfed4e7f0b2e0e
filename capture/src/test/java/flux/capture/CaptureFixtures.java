package flux.capture;

import flux.capture.testing.RunningCapture;
import flux.dev.testing.TestPostgres;
import flux.query.FluxSchema;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/** Pipeline setup shared by the capture ITs: a slot and publication per test, dropped afterwards. */
final class CaptureFixtures {
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private CaptureFixtures() {
    }

    static String unique(String hint) {
        return hint + "_" + ProcessHandle.current().pid() + "_" + SEQUENCE.incrementAndGet();
    }

    static CaptureConfig config(TestPostgres db, String bootstrap, String slot) {
        return new CaptureConfig(db.host(), db.port(), db.database(), db.user(), db.password(), slot, slot,
                bootstrap, Duration.ofSeconds(2));
    }

    static void installFluxSchema(TestPostgres db) throws SQLException {
        FluxSchema.install(db.dataSource());
    }

    static CapturePipeline startStreaming(CaptureConfig config) {
        return RunningCapture.startStreaming(config);
    }

    static void dropSlot(TestPostgres db, String slot) {
        RunningCapture.dropSlot(db, slot);
    }

    static void execute(TestPostgres db, String sql) throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}

package flux.capture;

import flux.capture.testing.RunningCapture;
import flux.dev.testing.TestPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.awaitility.Awaitility;

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
        installFluxSchema(db.dataSource());
    }

    /**
     * The mutation log and, after it, tenancy's tables, as the server installs them: capture's
     * records of raw SQL writes read {@code flux.tenants}.
     */
    static void installFluxSchema(DataSource dataSource) throws SQLException {
        RunningCapture.installCaptureSchema(dataSource);
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

    /** Whether the query returns a row. */
    static boolean exists(TestPostgres db, String sql, Object... params) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement st = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                st.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = st.executeQuery()) {
                return rs.next();
            }
        }
    }
}

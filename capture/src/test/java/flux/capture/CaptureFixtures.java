package flux.capture;

import flux.dev.testing.TestPostgres;
import flux.log.LogSchema;
import flux.pg.SchemaInstaller;
import flux.tenancy.TenancySchema;
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
        SchemaInstaller.install(dataSource, LogSchema.script(), TenancySchema.script());
    }

    static CapturePipeline startStreaming(CaptureConfig config) {
        CapturePipeline pipeline = new CapturePipeline(config);
        pipeline.start();
        Awaitility.await("capture " + config.slotName() + " streaming").atMost(Duration.ofSeconds(60))
                .until(() -> pipeline.state() == CaptureState.STREAMING);
        return pipeline;
    }

    /** Drops the slot once its walsender is gone (a replication slot outlives its pipeline). */
    static void dropSlot(TestPostgres db, String slot) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            try (Connection c = db.connect();
                 PreparedStatement st = c.prepareStatement(
                         "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ?")) {
                st.setString(1, slot);
                st.execute();
                return true;
            }
        });
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

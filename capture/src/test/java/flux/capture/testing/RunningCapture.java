package flux.capture.testing;

import flux.capture.CaptureConfig;
import flux.capture.CapturePipeline;
import flux.capture.CaptureState;
import flux.dev.testing.TestKafka;
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

/**
 * A real {@link CapturePipeline} streaming a test database to the test Kafka, for tests of what
 * capture adds to the mutation log (raw SQL becomes {@code source = 'wal'} records only while
 * capture runs). Create the tables it should track first: they join its publication when it
 * starts. {@link #awaitCaughtUp()} waits for capture's own record of a marker write, so
 * everything committed before it has been recorded; {@link #close()} stops it and drops its slot.
 *
 * <pre>{@code
 * try (RunningCapture capture = RunningCapture.start(db, kafka)) {
 *     rawSql("UPDATE users SET plan = 'team' WHERE id = 5");
 *     capture.awaitCaughtUp();
 *     // the wal record of that update is in flux.state_mutations now
 * }
 * }</pre>
 */
public final class RunningCapture implements AutoCloseable {
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final Duration PATIENCE = Duration.ofSeconds(120);
    /** Outside public and flux: a table of its own, tracked like any other. */
    private static final String MARKERS = "capture_test.markers";

    private final TestPostgres db;
    private final CaptureConfig config;
    private CapturePipeline pipeline;

    private RunningCapture(TestPostgres db, CaptureConfig config) {
        this.db = db;
        this.config = config;
    }

    /**
     * The part of the flux schema capture needs, as the server installs it: the mutation log and,
     * after it, tenancy's tables (capture's records of raw SQL read {@code flux.tenants}).
     * Idempotent.
     */
    public static void installCaptureSchema(DataSource dataSource) {
        SchemaInstaller.install(dataSource, LogSchema.script(), TenancySchema.script());
    }

    /** Installs what capture needs ({@link #installCaptureSchema}), starts capture on {@code db} and waits until it streams. */
    public static RunningCapture start(TestPostgres db, TestKafka kafka) {
        installCaptureSchema(db.dataSource());
        String slot = "test_" + ProcessHandle.current().pid() + "_" + SEQUENCE.incrementAndGet();
        execute(db, "CREATE SCHEMA IF NOT EXISTS capture_test;"
                + " CREATE TABLE IF NOT EXISTS " + MARKERS + " (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY)");
        RunningCapture capture = new RunningCapture(db, new CaptureConfig(db.host(), db.port(), db.database(),
                db.user(), db.password(), slot, slot, kafka.bootstrapServers(), Duration.ofSeconds(2)));
        capture.pipeline = startStreaming(capture.config);
        return capture;
    }

    public CapturePipeline pipeline() {
        return pipeline;
    }

    /**
     * Writes a marker row with raw SQL and waits until capture recorded it: capture handles
     * transactions in commit order, so every change committed before this call is then in the
     * log (and in Kafka).
     */
    public void awaitCaughtUp() {
        String txid;
        try (Connection c = db.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("INSERT INTO " + MARKERS + " DEFAULT VALUES RETURNING pg_current_xact_id()::text")) {
            rs.next();
            txid = rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot write capture's marker: " + e.getMessage(), e);
        }
        Awaitility.await("capture records marker transaction " + txid).atMost(PATIENCE)
                .pollInterval(Duration.ofMillis(20)).until(() -> recorded(txid));
    }

    /** Stops capture and starts it again on the same slot (it resumes from its stored offsets). */
    public void restart() {
        pipeline.close();
        pipeline = startStreaming(config);
    }

    @Override
    public void close() {
        try {
            pipeline.close();
        } finally {
            dropSlot(db, config.slotName());
        }
    }

    /** Starts a pipeline and waits until it streams (or fails after two minutes, closing it). */
    public static CapturePipeline startStreaming(CaptureConfig config) {
        CapturePipeline pipeline = new CapturePipeline(config);
        pipeline.start();
        try {
            Awaitility.await("capture " + config.slotName() + " streaming").atMost(PATIENCE)
                    .until(() -> pipeline.state() == CaptureState.STREAMING);
        } catch (RuntimeException | Error e) {
            pipeline.close();
            throw e;
        }
        return pipeline;
    }

    /** Drops a slot once its walsender is gone (a replication slot outlives its pipeline). */
    public static void dropSlot(TestPostgres db, String slot) {
        Awaitility.await("slot " + slot + " dropped").atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            try (Connection c = db.connect(); PreparedStatement st = c.prepareStatement(
                    "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ?")) {
                st.setString(1, slot);
                st.execute();
                return true;
            }
        });
    }

    private boolean recorded(String txid) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement st = c.prepareStatement(
                "SELECT 1 FROM flux.state_mutations WHERE source = 'wal' AND table_schema = 'capture_test'"
                        + " AND txid = CAST(? AS xid8)")) {
            st.setString(1, txid);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static void execute(TestPostgres db, String sql) {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }
}

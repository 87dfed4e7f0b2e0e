package flux.capture.pg;

import static org.assertj.core.api.Assertions.assertThat;

import flux.capture.CaptureConfig;
import flux.capture.testing.RunningCapture;
import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Before Debezium stores its first offset, a restart streams again from where the slot started:
 * raw changes from then on must be placed after the records committed before the slot, not after
 * everything the log holds at the restart (InterleavingIT saw a raw key change sort after an API
 * insert that had to wait for it).
 */
@ExtendWith(FluxTestInfra.class)
class SlotOriginIT {
    private static final String KEY = "flux_streamed_up_to";
    private final TestPostgres db;

    SlotOriginIT(TestPostgres pg) {
        db = pg.newDatabase("slot_origin");
        RunningCapture.installCaptureSchema(db.dataSource());
        try (Connection c = db.connect()) {
            CaptureSchema.install(c);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void withoutAStoredOffsetStreamingResumesAfterTheRecordsCommittedBeforeTheSlot() throws SQLException {
        String slot = "origin_" + ProcessHandle.current().pid();
        CaptureConfig config = new CaptureConfig(db.host(), db.port(), db.database(), db.user(), db.password(), slot,
                slot, "127.0.0.1:1", java.time.Duration.ofSeconds(2));
        try (Connection c = db.connect()) {
            writeRecords(c, 3);
            long beforeSlot = highest(c);
            SlotOrigin.createIfMissing(config, c);
            writeRecords(c, 2);
            assertThat(highest(c)).isGreaterThan(beforeSlot);

            assertThat(ResumePosition.streamedUpTo(c, slot, KEY))
                    .as("where a restart without stored offsets places the slot's first raw change")
                    .isEqualTo(beforeSlot);

            SlotOrigin.createIfMissing(config, c);
            assertThat(SlotOrigin.read(c, slot)).as("an existing slot keeps its origin").contains(beforeSlot);
        } finally {
            RunningCapture.dropSlot(db, slot);
        }
    }

    private static void writeRecords(Connection c, int n) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("INSERT INTO flux.state_mutations (request_id, table_schema, table_name, row_id, operation, new,"
                    + " status) SELECT 'r-' || g, 'public', 't', g::text, 'INSERT', '{}', 'committed'"
                    + " FROM generate_series(1, " + n + ") g");
        }
    }

    private static long highest(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT max(id) FROM flux.state_mutations")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}

package flux.capture.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import flux.capture.CaptureConfig;
import flux.capture.testing.RunningCapture;
import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.PGConnection;
import org.postgresql.replication.PGReplicationStream;

/**
 * A Debezium task whose stop failed leaves its replication connection streaming from the slot; here
 * a plain replication connection that nobody closes stands for it, and the slot must be freed.
 */
@ExtendWith(FluxTestInfra.class)
class SlotReleaseIT {
    private final TestPostgres db;

    SlotReleaseIT(TestPostgres pg) {
        db = pg.newDatabase("slot_release");
    }

    @Test
    void aWalsenderLeftOnTheSlotIsTerminatedAndAFreeSlotIsLeftAlone() throws Exception {
        String slot = "release_" + ProcessHandle.current().pid();
        try (Connection admin = db.connect(); Statement st = admin.createStatement()) {
            st.execute("CREATE PUBLICATION " + slot);
            st.execute("SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput')");
            assertThat(SlotRelease.release(admin, slot, Duration.ZERO)).as("a slot nobody streams").isTrue();

            try (Connection leftover = replicationConnection(slot)) {
                PGReplicationStream stream = leftover.unwrap(PGConnection.class).getReplicationAPI().replicationStream()
                        .logical().withSlotName(slot).withSlotOption("proto_version", 1)
                        .withSlotOption("publication_names", slot).start();
                stream.readPending(); // started: the walsender holds the slot
                assertThat(activePid(admin, slot)).as("the slot is held").isNotNull();

                assertThat(SlotRelease.release(admin, slot, Duration.ofMillis(200))).isTrue();

                assertThat(activePid(admin, slot)).as("the slot's walsender").isNull();
                assertThatThrownBy(() -> {
                    for (int i = 0; i < 100; i++) {
                        stream.readPending(); // the terminated walsender's connection is gone
                        Thread.sleep(20);
                    }
                }).isInstanceOf(SQLException.class);
            }
        } finally {
            RunningCapture.dropSlot(db, slot);
        }
    }

    private Connection replicationConnection(String slot) throws SQLException {
        CaptureConfig config = new CaptureConfig(db.host(), db.port(), db.database(), db.user(), db.password(), slot,
                slot, "127.0.0.1:1", Duration.ofSeconds(2));
        return DriverManager.getConnection(config.jdbcUrl(), SlotOrigin.replicationProperties(config));
    }

    private static Integer activePid(Connection c, String slot) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT active_pid FROM pg_replication_slots WHERE slot_name = ?")) {
            st.setString(1, slot);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                int pid = rs.getInt(1);
                return rs.wasNull() ? null : pid;
            }
        }
    }
}

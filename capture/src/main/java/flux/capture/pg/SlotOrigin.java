package flux.capture.pg;

import flux.capture.CaptureConfig;
import flux.log.WalRecords;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.ReplicationSlotInfo;

/**
 * Where a slot starts, in the mutation log's terms: the highest record id committed before the
 * slot's first change. Capture places a raw SQL change after the highest record id it has streamed
 * ({@link ResumePosition}); until Debezium stores its first offset (a second or so after a start),
 * a restart streams again from the slot's start, and only this tells how far the log was then.
 * The highest id at the restart instead would be too high: raw changes from the first moments would
 * sort after API writes that committed after them (InterleavingIT found it).
 *
 * <p>So capture creates its slot itself, over the replication protocol, which exports the snapshot
 * the slot starts from; the highest record id visible in that snapshot is exact, and is kept in
 * {@code flux.capture_slot_starts} (capture-schema.sql, {@link CaptureSchema}) until the slot is
 * created again.
 */
public final class SlotOrigin {
    private static final String SLOT_EXISTS = "SELECT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = ?)";
    private static final String TABLE_EXISTS = "SELECT to_regclass('flux.capture_slot_starts') IS NOT NULL";
    private static final String READ = "SELECT streamed_up_to FROM flux.capture_slot_starts WHERE slot_name = ?";
    private static final String UPSERT = """
            INSERT INTO flux.capture_slot_starts (slot_name, streamed_up_to) VALUES (?, ?)
            ON CONFLICT (slot_name) DO UPDATE SET streamed_up_to = excluded.streamed_up_to, recorded_at = clock_timestamp()""";
    /** What PostgreSQL's exported snapshot names look like; SET TRANSACTION SNAPSHOT takes no parameter. */
    private static final Pattern SNAPSHOT_NAME = Pattern.compile("[0-9A-Fa-f]+(-[0-9A-Fa-f]+)+");

    private SlotOrigin() {
    }

    /**
     * Creates the slot (pgoutput) when it does not exist, and records where it starts; a slot that
     * exists is left as it is. Needs capture's schema ({@link CaptureSchema#install}).
     */
    public static void createIfMissing(CaptureConfig config, Connection admin) throws SQLException {
        if (exists(admin, config.slotName())) {
            return;
        }
        try (Connection replication = DriverManager.getConnection(config.jdbcUrl(), replicationProperties(config))) {
            ReplicationSlotInfo slot = replication.unwrap(PGConnection.class).getReplicationAPI()
                    .createReplicationSlot().logical().withSlotName(config.slotName()).withOutputPlugin("pgoutput")
                    .make();
            // The snapshot lives until the replication connection's next command: read it now.
            record(admin, config.slotName(), highestIn(admin, slot.getSnapshotName()));
        }
    }

    /** The highest record id committed before slot {@code slot}'s first change, when capture created it. */
    public static Optional<Long> read(Connection c, String slot) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(TABLE_EXISTS)) {
            rs.next();
            if (!rs.getBoolean(1)) {
                return Optional.empty();
            }
        }
        try (PreparedStatement ps = c.prepareStatement(READ)) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
            }
        }
    }

    private static long highestIn(Connection c, String snapshot) throws SQLException {
        if (snapshot == null || !SNAPSHOT_NAME.matcher(snapshot).matches()) {
            throw new SQLException("the slot's exported snapshot has an unexpected name: " + snapshot);
        }
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
            st.execute("SET TRANSACTION SNAPSHOT '" + snapshot + "'");
            long highest = WalRecords.highestRecordId(c);
            c.commit();
            return highest;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }

    private static void record(Connection c, String slot, long highest) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(UPSERT)) {
            ps.setString(1, slot);
            ps.setLong(2, highest);
            ps.executeUpdate();
        }
    }

    /** Whether replication slot {@code slot} exists (of any kind: {@code Prerequisites} judges whether it is usable). */
    public static boolean exists(Connection c, String slot) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SLOT_EXISTS)) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /** A replication connection's settings (database replication, simple queries), as capture's role. */
    static Properties replicationProperties(CaptureConfig config) {
        Properties p = new Properties();
        PGProperty.USER.set(p, config.user());
        if (config.password() != null && !config.password().isEmpty()) {
            PGProperty.PASSWORD.set(p, config.password());
        }
        PGProperty.REPLICATION.set(p, "database");
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(p, "10");
        PGProperty.PREFER_QUERY_MODE.set(p, "simple");
        PGProperty.APPLICATION_NAME.set(p, "flux-capture-slot");
        return p;
    }
}

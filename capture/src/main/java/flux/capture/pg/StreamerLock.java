package flux.capture.pg;

import flux.capture.CaptureConfig;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.zip.CRC32;

/**
 * Elects one streamer per slot: a session-level advisory lock held on a connection of its
 * own, for as long as that connection lives. When the holder dies (process or connection),
 * PostgreSQL releases the lock and a standby's next {@link #tryAcquire()} wins.
 */
public final class StreamerLock implements AutoCloseable {
    /** High half "flux"; low half a CRC of the slot name (stable across JVMs, unlike hashCode guarantees). */
    private final long key;
    private final CaptureConfig config;
    private Connection connection;

    public StreamerLock(CaptureConfig config) {
        this.config = config;
        CRC32 crc = new CRC32();
        crc.update(("flux.capture." + config.slotName()).getBytes(StandardCharsets.UTF_8));
        this.key = (0x666c7578L << 32) | crc.getValue();
    }

    public long key() {
        return key;
    }

    /** True when this instance now holds the lock (it keeps it until {@link #close()}). */
    public boolean tryAcquire() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = PgConnections.open(config, "lock");
        }
        try (PreparedStatement st = connection.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
            st.setLong(1, key);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /** Whether the lock's connection still answers (a dead session has lost the lock). */
    public boolean held() {
        try {
            return connection != null && connection.isValid(3);
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void close() {
        if (connection != null) {
            try {
                connection.close(); // ending the session releases the lock
            } catch (SQLException ignored) {
                // the session is gone either way
            }
            connection = null;
        }
    }
}

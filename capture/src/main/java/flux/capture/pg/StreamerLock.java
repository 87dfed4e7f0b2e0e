package flux.capture.pg;

import flux.capture.CaptureConfig;
import flux.pg.LockKey;
import flux.pg.LockKeys;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Elects one streamer per slot: a session-level advisory lock held on a connection of its
 * own, for as long as that connection lives. When the holder dies (process or connection),
 * PostgreSQL releases the lock and a standby's next {@link #tryAcquire()} wins. The key is
 * {@link LockKeys#streamer}. (Before the registry it was the bigint {@code "flux" << 32 | crc}: an
 * instance of an older version holds that one, not this; during a rolling upgrade the slot itself,
 * which serves one walsender at a time, keeps a second streamer out.)
 */
public final class StreamerLock implements AutoCloseable {
    private final LockKey key;
    private final CaptureConfig config;
    private Connection connection;

    public StreamerLock(CaptureConfig config) {
        this.config = config;
        this.key = LockKeys.streamer(config.slotName());
    }

    public LockKey key() {
        return key;
    }

    /** True when this instance now holds the lock (it keeps it until {@link #close()}). */
    public boolean tryAcquire() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = PgConnections.open(config, "lock");
        }
        return key.tryLockForSession(connection);
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

package flux.migrate;

import flux.pg.LockKey;
import flux.pg.LockKeys;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session advisory lock that serializes migrators on one database (several servers
 * starting at once, a CLI run during a deploy). It is taken by polling
 * {@code pg_try_advisory_lock} in autocommit mode rather than by blocking in
 * {@code pg_advisory_lock}: a waiter then never holds a transaction (or a snapshot) open,
 * and {@code CREATE INDEX CONCURRENTLY} in the holder, which waits for every older
 * transaction to end, cannot deadlock with it. The lock belongs to the connection: keep
 * using that connection until {@link #close()}. The key is {@link LockKeys#MIGRATION}.
 */
final class MigrationLock implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MigrationLock.class);
    private static final LockKey KEY = LockKeys.MIGRATION;
    /** The session holding {@link #KEY}: pg_locks shows a two-int key as classid, objid with objsubid 2. */
    private static final String HOLDER = """
            SELECT a.pid, coalesce(nullif(a.application_name, ''), '?') AS app, a.client_addr, a.state
              FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
             WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
               AND l.classid::bigint = ? AND l.objid::bigint = ?
               AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
            """;
    private static final long LOG_EVERY_MS = 10_000;

    private final Connection connection;

    private MigrationLock(Connection connection) {
        this.connection = connection;
    }

    static MigrationLock acquire(Connection c, Duration maxWait) throws SQLException {
        c.setAutoCommit(true);
        long started = System.nanoTime();
        long lastLog = started;
        long sleepMs = 20;
        while (!KEY.tryLockForSession(c)) {
            long waited = System.nanoTime() - started;
            if (waited > maxWait.toNanos()) {
                throw new MigrationLockTimeout("waited " + maxWait.toSeconds() + " s for the migration lock, held by "
                        + holder(c) + "; that migrator is still running (or stuck): check it, or raise the wait");
            }
            if (System.nanoTime() - lastLog > LOG_EVERY_MS * 1_000_000) {
                log.info("waiting for the migration lock held by {}", holder(c));
                lastLog = System.nanoTime();
            }
            sleep(sleepMs);
            sleepMs = Math.min(sleepMs * 2, 500);
        }
        return new MigrationLock(c);
    }

    @Override
    public void close() {
        KEY.unlockSession(connection);
    }

    /** "pid 4242 (flux, 10.0.0.7, idle)", for messages; "another session" when it cannot be seen. */
    private static String holder(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(HOLDER)) {
            ps.setLong(1, KEY.classOid());
            ps.setLong(2, KEY.objectOid());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return "another session";
                }
                return "pid " + rs.getInt("pid") + " (" + rs.getString("app")
                        + (rs.getString("client_addr") == null ? "" : ", " + rs.getString("client_addr"))
                        + ", " + rs.getString("state") + ")";
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MigrationLockTimeout("interrupted while waiting for the migration lock");
        }
    }
}

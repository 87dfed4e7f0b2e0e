package flux.pg;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * One advisory lock of Flux's, in PostgreSQL's two-int form {@code (classId, objectId)}; the
 * registry of them all is {@link LockKeys}. Two-int keys live apart from single-bigint keys
 * (pg_locks tells them by {@code objsubid}: 2 against 1), so an application's own bigint advisory
 * locks never meet Flux's. Advisory locks are per database.
 *
 * @param name what the lock guards, for messages
 */
public record LockKey(String name, int classId, int objectId) {
    private static final String LOCK_FOR_TRANSACTION = "SELECT pg_advisory_xact_lock(?, ?)";
    private static final String LOCK_SHARED_FOR_TRANSACTION = "SELECT pg_advisory_xact_lock_shared(?, ?)";
    private static final String TRY_LOCK_FOR_TRANSACTION = "SELECT pg_try_advisory_xact_lock(?, ?)";
    private static final String LOCK_FOR_SESSION = "SELECT pg_advisory_lock(?, ?)";
    private static final String TRY_LOCK_FOR_SESSION = "SELECT pg_try_advisory_lock(?, ?)";
    private static final String UNLOCK_SESSION = "SELECT pg_advisory_unlock(?, ?)";

    /** Waits for the lock; it is held until the open transaction ends. */
    public void lockForTransaction(Connection c) {
        try (PreparedStatement ps = prepare(c, LOCK_FOR_TRANSACTION)) {
            ps.execute();
        } catch (SQLException e) {
            throw new DatabaseException(e);
        }
    }

    /**
     * Waits for the lock in its shared form (any number of sessions hold it together, none while one
     * holds it exclusively); it is held until the open transaction ends.
     */
    public void lockSharedForTransaction(Connection c) {
        try (PreparedStatement ps = prepare(c, LOCK_SHARED_FOR_TRANSACTION)) {
            ps.execute();
        } catch (SQLException e) {
            throw new DatabaseException(e);
        }
    }

    /** Takes the lock until the open transaction ends, unless another session holds it (false). */
    public boolean tryLockForTransaction(Connection c) {
        return answer(c, TRY_LOCK_FOR_TRANSACTION);
    }

    /** Waits for the lock; it is held until {@link #unlockSession} or the session's end. */
    public void lockForSession(Connection c) {
        try (PreparedStatement ps = prepare(c, LOCK_FOR_SESSION)) {
            ps.execute();
        } catch (SQLException e) {
            throw new DatabaseException(e);
        }
    }

    /** Takes the lock until {@link #unlockSession} or the session's end, unless another holds it (false). */
    public boolean tryLockForSession(Connection c) {
        return answer(c, TRY_LOCK_FOR_SESSION);
    }

    /** Releases a session-level hold; false when this session did not hold it. */
    public boolean unlockSession(Connection c) {
        return answer(c, UNLOCK_SESSION);
    }

    /** {@code classid} as pg_locks shows it: an oid, so the int read unsigned. */
    public long classOid() {
        return Integer.toUnsignedLong(classId);
    }

    /** {@code objid} as pg_locks shows it: an oid, so the int read unsigned. */
    public long objectOid() {
        return Integer.toUnsignedLong(objectId);
    }

    @Override
    public String toString() {
        return name + " (" + Integer.toHexString(classId) + ", " + Integer.toHexString(objectId) + ")";
    }

    private boolean answer(Connection c, String sql) {
        try (PreparedStatement ps = prepare(c, sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getBoolean(1);
        } catch (SQLException e) {
            throw new DatabaseException(e);
        }
    }

    private PreparedStatement prepare(Connection c, String sql) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        ps.setInt(1, classId);
        ps.setInt(2, objectId);
        return ps;
    }
}

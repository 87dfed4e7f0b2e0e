package flux.capture.pg;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Frees capture's replication slot from a walsender that outlived its engine. A Debezium task
 * whose stop failed or timed out can leave its replication connection open, and the slot active:
 * the next start then fails with "replication slot ... is active for PID ..." until that
 * connection dies, which for a stuck task is never. Capture calls this only while it holds the
 * slot's streamer lock ({@link StreamerLock}), after its own engine stopped and before it starts
 * one: no other streamer of the slot may be running then, so a walsender still on it is a
 * leftover, of this process or of a capture whose lock session is gone.
 */
public final class SlotRelease {
    private static final Logger log = LoggerFactory.getLogger(SlotRelease.class);
    private static final String ACTIVE_PID = "SELECT active_pid FROM pg_replication_slots WHERE slot_name = ? AND active";
    /** PostgreSQL 14+: waits up to the timeout (ms) for the backend to exit; false if it did not. */
    private static final String TERMINATE = "SELECT pg_terminate_backend(?, ?)";
    private static final Duration POLL = Duration.ofMillis(50);
    private static final Duration TERMINATION_WAIT = Duration.ofSeconds(5);

    private SlotRelease() {
    }

    /**
     * Waits up to {@code grace} for the slot's walsender to go by itself (a clean stop ends it a moment
     * after the engine returns), then terminates it. Returns whether the slot is free.
     */
    public static boolean release(Connection c, String slot, Duration grace) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + grace.toNanos();
        OptionalInt pid = activePid(c, slot);
        while (pid.isPresent() && System.nanoTime() < deadline) {
            Thread.sleep(POLL.toMillis());
            pid = activePid(c, slot);
        }
        if (pid.isEmpty()) {
            return true;
        }
        log.warn("replication slot {} is still held by walsender {} though no capture streams it (a stop that failed"
                + " or timed out); terminating it", slot, pid.getAsInt());
        try (PreparedStatement st = c.prepareStatement(TERMINATE)) {
            st.setInt(1, pid.getAsInt());
            st.setLong(2, TERMINATION_WAIT.toMillis());
            st.execute();
        }
        return activePid(c, slot).isEmpty();
    }

    private static OptionalInt activePid(Connection c, String slot) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(ACTIVE_PID)) {
            st.setString(1, slot);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? OptionalInt.of(rs.getInt(1)) : OptionalInt.empty();
            }
        }
    }
}

package flux.bench;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;

/**
 * Stalls a running capture without restarting it: the walsender serving its slot is stopped
 * with SIGSTOP and continued with SIGCONT (POSIX {@code kill}; the bench's PostgreSQL runs on
 * this machine). Meanwhile capture's engine, connections and compiled code stay as they are and
 * the slot retains the WAL written, so the drain after {@link #close} is one by a capture that
 * was running all along, as after a network stall, with no engine start and no JIT
 * deoptimizations from one (those cost the drains after a restart 2-5 s of C2 time).
 */
final class WalsenderPause implements AutoCloseable {
    private final long pid;
    private boolean paused;

    private WalsenderPause(long pid) {
        this.pid = pid;
    }

    static WalsenderPause of(BenchDatabase db, String slot) throws SQLException {
        try (Connection c = db.connect();
             PreparedStatement st = c.prepareStatement("SELECT active_pid FROM pg_replication_slots WHERE slot_name = ?")) {
            st.setString(1, slot);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next() || rs.getObject(1) == null) {
                    throw new BenchFailure("benchmark: slot " + slot + " has no walsender to pause");
                }
                WalsenderPause pause = new WalsenderPause(rs.getLong(1));
                pause.signal("STOP");
                pause.paused = true;
                return pause;
            }
        }
    }

    @Override
    public void close() {
        if (paused) {
            paused = false;
            signal("CONT");
        }
    }

    private void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new BenchFailure("benchmark: kill -" + name + " " + pid + " failed");
            }
        } catch (IOException e) {
            throw new BenchFailure("benchmark: cannot run kill: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchFailure("interrupted");
        }
    }
}

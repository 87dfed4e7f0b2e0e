package flux.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestPostgres;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.PGConnection;
import org.postgresql.replication.PGReplicationStream;

/** The capture bench's pause: the slot's walsender stops, then streams again, on a real server. */
@ExtendWith(FluxTestInfra.class)
class WalsenderPauseIT {

    @Test
    void stopsTheSlotsWalsenderAndLetsItStreamAgain(TestPostgres server) throws Exception {
        TestPostgres pg = server.newDatabase("walsender_pause");
        BenchDatabase db = new BenchDatabase(pg.jdbcUrl() + "?user=" + pg.user() + "&password=" + pg.password());
        db.execute("CREATE TABLE t (id int PRIMARY KEY)");
        db.execute("CREATE PUBLICATION pause_it FOR TABLE t");
        try (Connection replication = pg.connectForReplication()) {
            PGConnection api = replication.unwrap(PGConnection.class);
            api.getReplicationAPI().createReplicationSlot().logical().withSlotName("pause_it")
                    .withOutputPlugin("pgoutput").make();
            PGReplicationStream stream = api.getReplicationAPI().replicationStream().logical()
                    .withSlotName("pause_it").withSlotOption("proto_version", "1")
                    .withSlotOption("publication_names", "pause_it").start();
            long pid = activePid(pg);
            // Signals go to a pid of this machine: only when the server runs here (embedded), not in a container.
            assumeThat(runsHere(pg, pid)).as("the test server runs on this machine").isTrue();

            try (WalsenderPause ignored = WalsenderPause.of(db, "pause_it")) {
                await().atMost(Duration.ofSeconds(30)).until(() -> state(pid) == 'T');
                db.execute("INSERT INTO t VALUES (1)");
                long inserted = lsn(pg, "SELECT pg_current_wal_flush_lsn()");
                // Stopped, the walsender cannot send: the insert is in the WAL, not in the stream.
                assertThat(state(pid)).as("still stopped after the insert").isEqualTo('T');
                assertThat(lsn(pg, "SELECT sent_lsn FROM pg_stat_replication WHERE pid = " + pid)).isLessThan(inserted);
                assertThat(readChange(stream, Duration.ZERO)).as("nothing streams while paused").isFalse();
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> state(pid) != 'T');
            assertThat(readChange(stream, Duration.ofSeconds(10))).as("the insert streams once resumed").isTrue();
            stream.close();
        } finally {
            db.execute("SELECT pg_drop_replication_slot('pause_it')");
        }
    }

    @Test
    void aSlotWithNoWalsenderIsAClearError(TestPostgres server) throws Exception {
        TestPostgres pg = server.newDatabase("walsender_pause_idle");
        BenchDatabase db = new BenchDatabase(pg.jdbcUrl() + "?user=" + pg.user() + "&password=" + pg.password());
        db.execute("SELECT pg_create_logical_replication_slot('idle_it', 'pgoutput')");
        try {
            assertThatThrownBy(() -> WalsenderPause.of(db, "idle_it"))
                    .isInstanceOf(BenchFailure.class).hasMessageContaining("slot idle_it has no walsender");
        } finally {
            db.execute("SELECT pg_drop_replication_slot('idle_it')");
        }
    }

    private static long activePid(TestPostgres pg) throws SQLException {
        try (Connection c = pg.connect();
             PreparedStatement st = c.prepareStatement("SELECT active_pid FROM pg_replication_slots WHERE slot_name = 'pause_it'");
             ResultSet rs = st.executeQuery()) {
            assertThat(rs.next()).isTrue();
            return rs.getLong(1);
        }
    }

    /**
     * A pgoutput INSERT message ('I') within the time given (zero: among the messages already
     * received); BEGIN, RELATION and COMMIT are skipped.
     */
    private static boolean readChange(PGReplicationStream stream, Duration within) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            ByteBuffer message = stream.readPending();
            if (message == null) {
                if (System.nanoTime() >= deadline) {
                    return false;
                }
                Thread.sleep(10);
            } else if (message.get(message.position()) == 'I') {
                return true;
            }
        }
    }

    /** A WAL position as a number (bytes from 0/0). */
    private static long lsn(TestPostgres pg, String query) throws SQLException {
        try (Connection c = pg.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT pg_wal_lsn_diff((" + query + "), '0/0')::bigint")) {
            assertThat(rs.next()).as(query).isTrue();
            return rs.getLong(1);
        }
    }

    /** The walsender's parent is the postmaster named in the server's data directory, on this machine. */
    private static boolean runsHere(TestPostgres pg, long walsender) throws SQLException, IOException {
        Path stat = Path.of("/proc", Long.toString(walsender), "stat");
        String dataDirectory;
        try (Connection c = pg.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SHOW data_directory")) {
            rs.next();
            dataDirectory = rs.getString(1);
        }
        Path postmasterPid = Path.of(dataDirectory, "postmaster.pid");
        if (!Files.isReadable(stat) || !Files.isReadable(postmasterPid)) {
            return false;
        }
        String procStat = Files.readString(stat);
        String[] afterName = procStat.substring(procStat.lastIndexOf(')') + 2).split(" ");
        return afterName[1].equals(Files.readAllLines(postmasterPid).get(0).trim()); // fields: state, ppid, ...
    }

    /** The process state letter from /proc (T: stopped). */
    private static char state(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        return stat.charAt(stat.lastIndexOf(')') + 2);
    }
}

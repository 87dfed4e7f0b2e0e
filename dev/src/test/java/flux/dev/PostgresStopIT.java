package flux.dev;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.PGReplicationStream;

/**
 * A fast shutdown waits for each walsender's client to confirm the WAL: a replication client that
 * never answers (here, a stream nobody reads; in practice capture on a loaded machine) holds it
 * past zonky's 5 s. {@link LocalPostgres#close()} then stops the server immediately, so a restart on
 * the same directory and port finds it gone (PostgresRestartIT failed on this under load).
 */
class PostgresStopIT {
    @TempDir
    Path dir;

    @Test
    @Timeout(180)
    void aStopHeldUpByASilentReplicationClientEndsTheServerAndARestartFindsTheData() throws Exception {
        Path data = dir.resolve("pg");
        int port = Ports.findFree();
        LocalPostgres pg = LocalPostgres.start(data, port);
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl()); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE kept (v text); CREATE PUBLICATION stop_pub FOR TABLE kept");
            st.execute("SELECT pg_create_logical_replication_slot('stop_slot', 'pgoutput')");
        }
        long postmaster = Processes.readPid(data.toAbsolutePath().resolve("postmaster.pid")).orElseThrow();
        Connection replication = DriverManager.getConnection(pg.jdbcUrl(), replicationProperties());
        PGReplicationStream silent = replication.unwrap(PGConnection.class).getReplicationAPI().replicationStream()
                .logical().withSlotName("stop_slot").withSlotOption("proto_version", 1)
                .withSlotOption("publication_names", "stop_pub").start();
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl()); Statement st = c.createStatement()) {
            st.execute("INSERT INTO kept VALUES ('still here')");
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_stat_replication")) {
                rs.next();
                assertThat(rs.getInt(1)).as("the silent client's walsender").isEqualTo(1);
            }
        }

        pg.close();

        assertThat(ProcessHandle.of(postmaster).map(ProcessHandle::isAlive).orElse(false))
                .as("the postmaster after close()").isFalse();
        try {
            silent.close();
        } catch (Exception expected) {
            // the server is gone
        }
        try {
            replication.close();
        } catch (Exception expected) {
            // the server is gone
        }
        try (LocalPostgres restarted = LocalPostgres.start(data, port);
             Connection c = DriverManager.getConnection(restarted.jdbcUrl()); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT v FROM kept")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("still here");
        }
    }

    private static Properties replicationProperties() {
        Properties p = new Properties();
        PGProperty.USER.set(p, LocalPostgres.USER);
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(p, "15");
        PGProperty.REPLICATION.set(p, "database");
        PGProperty.PREFER_QUERY_MODE.set(p, "simple");
        return p;
    }
}

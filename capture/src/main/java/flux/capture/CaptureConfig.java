package flux.capture;

import flux.capture.kafka.TopicSettings;
import flux.capture.snapshot.SnapshotSettings;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;

/**
 * Where capture reads from and writes to. The database user needs the REPLICATION attribute
 * (or to be a superuser) and to own the tracked tables (for REPLICA IDENTITY FULL).
 *
 * @param host            PostgreSQL host
 * @param port            PostgreSQL port
 * @param database        the database whose tables are captured
 * @param user            database user
 * @param password        password, empty for trust authentication (never null)
 * @param slotName        logical replication slot, also the name of the stored offsets and the
 *                        advisory lock that elects one streamer per slot
 * @param publicationName publication Flux maintains over the tracked tables and the mutation log
 * @param kafkaBootstrap  Kafka bootstrap servers
 * @param heartbeat       interval of heartbeats that keep the slot advancing when tracked tables are idle
 * @param pollInterval    how long Debezium's queue gathers changes before handing them over
 *                        ({@code poll.interval.ms}): the latency floor against the CPU an idle
 *                        capture spends (docs/capture.md, "Limits"); whole milliseconds, 1 ms to 1 min
 * @param topics          partitions, replication and retention of the topics capture creates
 * @param snapshots       chunk size of snapshots, and whether a table that joins is snapshotted
 * @param engine          Debezium's batch and queue sizes and capture's sends in flight
 * @throws CaptureException.Permanent for an invalid setting (a bad name or poll interval)
 */
public record CaptureConfig(String host, int port, String database, String user, String password,
                            String slotName, String publicationName, String kafkaBootstrap, Duration heartbeat,
                            Duration pollInterval, TopicSettings topics, SnapshotSettings snapshots,
                            EngineSettings engine) {

    public static final String DEFAULT_SLOT = "flux";
    public static final String DEFAULT_PUBLICATION = "flux";
    /** Debezium's default is 500 ms, half a second of latency after every quiet period. */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(5);
    private static final Duration MAX_POLL_INTERVAL = Duration.ofMinutes(1);

    public CaptureConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(user, "user");
        password = password == null ? "" : password;
        requireIdentifier(slotName, "slot name");
        requireIdentifier(publicationName, "publication name");
        Objects.requireNonNull(kafkaBootstrap, "kafkaBootstrap");
        heartbeat = heartbeat == null ? Duration.ofSeconds(10) : heartbeat;
        pollInterval = pollInterval == null ? DEFAULT_POLL_INTERVAL : pollInterval;
        topics = topics == null ? TopicSettings.DEFAULT : topics;
        snapshots = snapshots == null ? SnapshotSettings.DEFAULT : snapshots;
        engine = engine == null ? EngineSettings.DEFAULT : engine;
        // Debezium counts whole milliseconds; at 0 its queue would spin without ever waiting.
        if (pollInterval.toMillis() < 1 || pollInterval.compareTo(MAX_POLL_INTERVAL) > 0
                || pollInterval.toNanos() % 1_000_000 != 0) {
            throw new CaptureException.Permanent("poll interval must be whole milliseconds from 1 ms to 1 min: "
                    + pollInterval.toNanos() / 1e6 + " ms");
        }
    }

    /** With the default poll interval ({@link #DEFAULT_POLL_INTERVAL}). */
    public CaptureConfig(String host, int port, String database, String user, String password,
                         String slotName, String publicationName, String kafkaBootstrap, Duration heartbeat) {
        this(host, port, database, user, password, slotName, publicationName, kafkaBootstrap, heartbeat, null, null, null,
                null);
    }

    /** This configuration with another poll interval. */
    public CaptureConfig withPollInterval(Duration interval) {
        return new CaptureConfig(host, port, database, user, password, slotName, publicationName, kafkaBootstrap,
                heartbeat, interval, topics, snapshots, engine);
    }

    /** This configuration with other topic settings. */
    public CaptureConfig withTopics(TopicSettings settings) {
        return new CaptureConfig(host, port, database, user, password, slotName, publicationName, kafkaBootstrap,
                heartbeat, pollInterval, settings, snapshots, engine);
    }

    /** This configuration with other snapshot settings. */
    public CaptureConfig withSnapshots(SnapshotSettings settings) {
        return new CaptureConfig(host, port, database, user, password, slotName, publicationName, kafkaBootstrap,
                heartbeat, pollInterval, topics, settings, engine);
    }

    /** This configuration with other engine batch and queue sizes. */
    public CaptureConfig withEngine(EngineSettings settings) {
        return new CaptureConfig(host, port, database, user, password, slotName, publicationName, kafkaBootstrap,
                heartbeat, pollInterval, topics, snapshots, settings);
    }

    /**
     * From a {@code jdbc:postgresql://host:port/db?user=...} URL (user and password in the URL win
     * over the arguments only when those are empty).
     */
    public static CaptureConfig fromJdbcUrl(String jdbcUrl, String user, String password, String slot,
                                            String publication, String kafkaBootstrap) {
        Properties parsed = org.postgresql.Driver.parseURL(jdbcUrl, new Properties());
        if (parsed == null) {
            throw new CaptureException.Permanent("not a PostgreSQL JDBC URL: " + jdbcUrl);
        }
        String host = parsed.getProperty("PGHOST", "localhost").split(",")[0];
        int port = Integer.parseInt(parsed.getProperty("PGPORT", "5432").split(",")[0]);
        String u = user == null || user.isEmpty() ? parsed.getProperty("user", "postgres") : user;
        String pw = password == null || password.isEmpty() ? parsed.getProperty("password", "") : password;
        return new CaptureConfig(host, port, parsed.getProperty("PGDBNAME"), u, pw, slot, publication,
                kafkaBootstrap, null, null, null, null, null);
    }

    /** The JDBC address of the captured database. */
    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    // Slot names are restricted by PostgreSQL to lower case letters, digits and underscores;
    // the same rule for the publication keeps both safe in logs and in Debezium's config.
    private static void requireIdentifier(String name, String what) {
        if (name == null || !name.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new CaptureException.Permanent(what + " must be lower case letters, digits and underscores: " + name);
        }
    }
}

package flux.app.server;

import flux.app.config.DatabaseUrl;
import flux.dev.FluxHome;
import flux.dev.LocalKafka;
import flux.dev.LocalPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The Postgres and Kafka that a server uses: given by DATABASE_URL / KAFKA_BOOTSTRAP_SERVERS,
 * or started embedded under the data directory. Closing stops what was started here, in
 * the reverse order (Kafka, then Postgres, then the directory lock).
 */
public final class Backends implements AutoCloseable {
    private final DatabaseUrl database;
    private final String kafkaBootstrap;
    private final FluxHome home;
    private final LocalPostgres postgres;
    private final LocalKafka kafka;

    private Backends(DatabaseUrl database, String kafkaBootstrap, FluxHome home, LocalPostgres postgres,
                     LocalKafka kafka) {
        this.database = database;
        this.kafkaBootstrap = kafkaBootstrap;
        this.home = home;
        this.postgres = postgres;
        this.kafka = kafka;
    }

    public static Backends start(ServeSettings settings) {
        DatabaseUrl external = null;
        if (!settings.embeddedPostgres()) {
            try {
                external = DatabaseUrl.parse(settings.databaseUrl());
            } catch (IllegalArgumentException e) {
                throw new StartupFailure(e.getMessage());
            }
            requireReachable(external);
        }
        if (!settings.embeddedPostgres() && !settings.embeddedKafka()) {
            return new Backends(external, settings.kafkaBootstrap(), null, null, null);
        }
        FluxHome home = FluxHome.acquire(settings.dataDir());
        // Postgres (~1 s warm) and Kafka (~3 s) start side by side.
        CompletableFuture<LocalPostgres> pg = settings.embeddedPostgres()
                // FluxServer stops it, last: see LocalPostgres.start.
                ? CompletableFuture.supplyAsync(() -> LocalPostgres.start(home.postgresDir(),
                        settings.embeddedPostgresPort(), false))
                : CompletableFuture.completedFuture(null);
        CompletableFuture<LocalKafka> broker = settings.embeddedKafka()
                ? CompletableFuture.supplyAsync(() -> LocalKafka.start(home.kafkaDir(), settings.embeddedKafkaPort(),
                        settings.embeddedKafkaControllerPort()))
                : CompletableFuture.completedFuture(null);
        LocalPostgres postgres = join(pg, broker, home);
        LocalKafka kafka = join(broker, pg, home);
        DatabaseUrl database = postgres != null
                ? new DatabaseUrl(postgres.jdbcUrl().replaceFirst("\\?user=.*$", ""), LocalPostgres.USER, null)
                : external;
        String bootstrap = kafka != null ? kafka.bootstrapServers() : settings.kafkaBootstrap();
        if (postgres != null) {
            home.publishDatabaseUrl(postgres.jdbcUrl());
        }
        if (kafka != null) {
            home.publishKafkaBootstrap(kafka.bootstrapServers());
        }
        return new Backends(database, bootstrap, home, postgres, kafka);
    }

    public DatabaseUrl database() {
        return database;
    }

    public String kafkaBootstrap() {
        return kafkaBootstrap;
    }

    public LocalPostgres embeddedPostgres() {
        return postgres;
    }

    public LocalKafka embeddedKafka() {
        return kafka;
    }

    @Override
    public void close() {
        if (kafka != null) {
            kafka.close();
        }
        if (postgres != null) {
            postgres.close();
        }
        if (home != null) {
            home.withdrawDatabaseUrl();
            home.close();
        }
    }

    /** Waits for one service; when it failed, stops the other and releases the directory. */
    private static <T extends AutoCloseable> T join(CompletableFuture<T> mine, CompletableFuture<?> other,
                                                    FluxHome home) {
        try {
            return mine.join();
        } catch (CompletionException e) {
            try {
                Object started = other.exceptionally(x -> null).join();
                if (started instanceof AutoCloseable closeable) {
                    closeable.close();
                }
            } catch (Exception ignored) {
                // the original failure is the one to report
            }
            home.close();
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    private static void requireReachable(DatabaseUrl url) {
        Properties props = new Properties();
        if (url.user() != null) {
            props.setProperty("user", url.user());
        }
        if (url.password() != null) {
            props.setProperty("password", url.password());
        }
        props.setProperty("connectTimeout", "5");
        props.setProperty("loginTimeout", "10");
        try (Connection ignored = DriverManager.getConnection(url.jdbcUrl(), props)) {
            // reachable
        } catch (SQLException e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
            throw new StartupFailure("cannot connect to DATABASE_URL " + url.display() + ": " + reason);
        }
    }
}

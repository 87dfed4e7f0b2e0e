package flux.app.server;

import java.nio.file.Path;

/**
 * What {@code flux serve} was asked to run. A null {@code databaseUrl} or
 * {@code kafkaBootstrap} means "start the embedded one under {@code dataDir}".
 */
public record ServeSettings(
        int httpPort,
        Path dataDir,
        String databaseUrl,
        String kafkaBootstrap,
        int embeddedPostgresPort,
        int embeddedKafkaPort,
        int embeddedKafkaControllerPort) {

    public boolean embeddedPostgres() {
        return databaseUrl == null || databaseUrl.isBlank();
    }

    public boolean embeddedKafka() {
        return kafkaBootstrap == null || kafkaBootstrap.isBlank();
    }
}

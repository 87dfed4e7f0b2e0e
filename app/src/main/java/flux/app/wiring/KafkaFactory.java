package flux.app.wiring;

import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

@Factory
final class KafkaFactory {

    @Singleton
    @Named("kafkaBootstrapServers")
    String bootstrapServers(@Value("${flux.kafka.bootstrap-servers}") String bootstrap) {
        return bootstrap;
    }

    @Singleton
    @Bean(preDestroy = "close")
    Admin kafkaAdmin(@Value("${flux.kafka.bootstrap-servers}") String bootstrap) {
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.CLIENT_ID_CONFIG, "flux-admin",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000,
                // a broker that is down should not flood the log with reconnect warnings
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 5000));
    }
}

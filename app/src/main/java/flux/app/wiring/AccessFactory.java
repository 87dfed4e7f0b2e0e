package flux.app.wiring;

import flux.tenancy.ApiKeyStore;
import flux.tenancy.TenantDirectory;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import java.time.Duration;
import jakarta.inject.Singleton;
import javax.sql.DataSource;

@Factory
final class AccessFactory {
    @Singleton
    ApiKeyStore apiKeys(DataSource dataSource,
                        @Value("${flux.auth.cache-ttl-ms:10000}") long cacheTtlMillis) {
        return new ApiKeyStore(dataSource, Duration.ofMillis(cacheTtlMillis));
    }

    @Singleton
    TenantDirectory tenants(DataSource dataSource,
                            @Value("${flux.tenancy.cache-ttl-ms:10000}") long cacheTtlMillis) {
        return new TenantDirectory(dataSource, Duration.ofMillis(cacheTtlMillis));
    }
}

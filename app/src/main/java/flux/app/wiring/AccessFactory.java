package flux.app.wiring;

import flux.tenancy.ApiKeyRecords;
import flux.tenancy.ApiKeyStore;
import flux.tenancy.TenantDirectory;
import flux.tenancy.TenantRecords;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.time.Duration;
import javax.sql.DataSource;

/** Tenancy's keys and tenants over their repositories (flux.app.records); tenant DDL on the plain pool. */
@Factory
final class AccessFactory {
    @Singleton
    ApiKeyStore apiKeys(ApiKeyRecords records, @Value("${flux.auth.cache-ttl-ms:10000}") long cacheTtlMillis) {
        return new ApiKeyStore(records, Duration.ofMillis(cacheTtlMillis));
    }

    @Singleton
    TenantDirectory tenants(DataSource dataSource, TenantRecords records,
                            @Value("${flux.tenancy.cache-ttl-ms:10000}") long cacheTtlMillis) {
        return new TenantDirectory(dataSource, records, Duration.ofMillis(cacheTtlMillis));
    }
}

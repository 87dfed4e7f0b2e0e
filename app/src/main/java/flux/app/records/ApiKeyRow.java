package flux.app.records;

import flux.tenancy.ApiKey;
import flux.tenancy.Role;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;

/**
 * A row of {@code flux.api_keys} (DDL: access-schema.sql). {@code role} is the stored label
 * (the table's CHECK allows {@code read-only}, {@code read-write}, {@code admin}).
 */
@MappedEntity(value = "api_keys", schema = "flux")
record ApiKeyRow(@Id String id, byte[] secretHash, String tenantId, String role, @Nullable String name,
                 Instant createdAt, @Nullable Instant revokedAt) {

    ApiKey toKey() {
        return new ApiKey(id, tenantId, Role.parse(role), name, createdAt, revokedAt);
    }
}

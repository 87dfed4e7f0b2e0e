package flux.app.records;

import flux.tenancy.Tenant;
import flux.tenancy.TenantScope;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;

/**
 * A row of {@code flux.tenants} (DDL: access-schema.sql). {@code isolation} is the stored label
 * (the table's CHECK allows {@code row}, {@code schema}); {@code schemaName} the schema a schema
 * tenant owns, kept when it turns row-level; {@code deletedAt} and {@code purgeAfter} a tombstone's.
 */
@MappedEntity(value = "tenants", schema = "flux")
record TenantRow(@Id String id, String isolation, @Nullable Long quotaBytes, @Nullable Long usedBytes,
                 @Nullable Instant measuredAt, Instant createdAt, @Nullable String schemaName,
                 @Nullable Instant deletedAt, @Nullable Instant purgeAfter) {

    Tenant toTenant() {
        return new Tenant(id, TenantScope.Isolation.parse(isolation), quotaBytes, usedBytes, measuredAt,
                deletedAt, purgeAfter);
    }
}

package flux.tenancy;

import java.util.List;
import java.util.Optional;

/**
 * Where tenants are kept ({@code flux.tenants}, DDL in the flux schema): the storage
 * {@link TenantDirectory} needs, implemented outside this module (in app, by a Micronaut Data
 * repository). Calls join the caller's transaction when the implementation has one; storage
 * failures are unchecked, as the implementation throws them.
 */
public interface TenantRecords {

    Optional<Tenant> find(String id);

    /** Every tenant, by id. */
    List<Tenant> all();

    /**
     * Creates or changes a tenant's row: its mode and quota ({@code quotaBytes} null for none).
     * {@code schemaName} is the schema a schema tenant owns, whole (schema tenant ids are short
     * enough that PostgreSQL does not cut it); null keeps the schema the tenant had (a tenant
     * turning row-level keeps its schema).
     */
    void save(String id, TenantScope.Isolation isolation, Long quotaBytes, String schemaName);

    /** The tenant other than {@code exceptTenantId} whose schema is {@code schema}, if any. */
    Optional<String> ownerOfSchema(String schema, String exceptTenantId);

    /** Records a storage measurement taken now. */
    void recordUsage(String id, long usedBytes);
}

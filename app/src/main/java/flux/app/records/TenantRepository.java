package flux.app.records;

import flux.tenancy.Tenant;
import flux.tenancy.TenantRecords;
import flux.tenancy.TenantScope;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.Sort;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import java.util.List;
import java.util.Optional;

/** {@code flux.tenants} through Micronaut Data: the storage of tenancy's {@link flux.tenancy.TenantDirectory}. */
@JdbcRepository(dialect = Dialect.POSTGRES)
abstract class TenantRepository implements GenericRepository<TenantRow, String>, TenantRecords {
    private static final Sort BY_ID = Sort.of(Sort.Order.asc("id"));

    /** One statement, so concurrent provisioning cannot race; a null schema keeps the stored one. */
    @Query("""
            INSERT INTO flux.tenants (id, isolation, quota_bytes, schema_name) VALUES (:id, :isolation, :quotaBytes, :schemaName)
            ON CONFLICT (id) DO UPDATE SET isolation = excluded.isolation, quota_bytes = excluded.quota_bytes,
                schema_name = coalesce(excluded.schema_name, flux.tenants.schema_name)""")
    abstract void upsert(String id, String isolation, @Nullable Long quotaBytes, @Nullable String schemaName);

    @Override
    @Query("UPDATE flux.tenants SET used_bytes = :usedBytes, measured_at = now() WHERE id = :id")
    public abstract void recordUsage(String id, long usedBytes);

    /** Leaves a tombstone, kept {@code keepSeconds} from now. */
    @Query("UPDATE flux.tenants SET deleted_at = now(), purge_after = now() + make_interval(secs => :keepSeconds) WHERE id = :id")
    abstract void markDeleted(String id, double keepSeconds);

    @Query("UPDATE flux.tenants SET deleted_at = NULL, purge_after = NULL WHERE id = :id")
    abstract void markLive(String id);

    /** Tombstones whose time is up, oldest first. */
    @Query("SELECT * FROM flux.tenants WHERE purge_after <= now() ORDER BY purge_after, id")
    abstract List<TenantRow> findExpired();

    @Query("DELETE FROM flux.tenants WHERE id = :id")
    abstract void remove(String id);

    abstract Optional<TenantRow> findById(String id);

    abstract List<TenantRow> findAll(Sort sort);

    abstract Optional<TenantRow> findBySchemaNameAndIdNotEqual(String schemaName, String id);

    @Override
    public Optional<Tenant> find(String id) {
        return findById(id).map(TenantRow::toTenant);
    }

    @Override
    public List<Tenant> all() {
        return findAll(BY_ID).stream().map(TenantRow::toTenant).toList();
    }

    @Override
    public void save(String id, TenantScope.Isolation isolation, Long quotaBytes, String schemaName) {
        upsert(id, isolation.label(), quotaBytes, schemaName);
    }

    @Override
    public Optional<String> ownerOfSchema(String schema, String exceptTenantId) {
        return findBySchemaNameAndIdNotEqual(schema, exceptTenantId).map(TenantRow::id);
    }
}

package flux.app.records;

import flux.tenancy.ApiKey;
import flux.tenancy.ApiKeyRecords;
import flux.tenancy.Role;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.Sort;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import java.util.List;
import java.util.Optional;

/** {@code flux.api_keys} through Micronaut Data: the storage of tenancy's {@link flux.tenancy.ApiKeyStore}. */
@JdbcRepository(dialect = Dialect.POSTGRES)
abstract class ApiKeyRepository implements GenericRepository<ApiKeyRow, String>, ApiKeyRecords {
    private static final Sort OLDEST_FIRST = Sort.of(Sort.Order.asc("createdAt"), Sort.Order.asc("id"));

    /** A taken id inserts nothing (no error, which would abort the caller's transaction). */
    @Query("""
            INSERT INTO flux.api_keys (id, secret_hash, tenant_id, role, name)
            VALUES (:id, :secretHash, :tenantId, :role, :name) ON CONFLICT (id) DO NOTHING""")
    abstract int insertIfAbsent(String id, byte[] secretHash, String tenantId, String role, @Nullable String name);

    /** The first revocation's time stands. */
    @Query("UPDATE flux.api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = :id")
    abstract int markRevoked(String id);

    /** A purged tenant's keys (revoked since its deletion) go with it. */
    @Query("DELETE FROM flux.api_keys WHERE tenant_id = :tenantId")
    abstract int deleteOfTenant(String tenantId);

    abstract Optional<ApiKeyRow> findById(String id);

    abstract List<ApiKeyRow> findAll(Sort sort);

    @Override
    public Optional<ApiKey> insertUnlessTaken(String id, byte[] secretHash, String tenantId, Role role, String name) {
        return insertIfAbsent(id, secretHash, tenantId, role.label(), name) == 1
                ? findById(id).map(ApiKeyRow::toKey) : Optional.empty();
    }

    @Override
    public List<ApiKey> all() {
        return findAll(OLDEST_FIRST).stream().map(ApiKeyRow::toKey).toList();
    }

    @Override
    public Optional<ApiKey> revoke(String id) {
        return markRevoked(id) == 1 ? findById(id).map(ApiKeyRow::toKey) : Optional.empty();
    }

    @Override
    public Optional<StoredKey> find(String id) {
        return findById(id).map(row -> new StoredKey(row.toKey(), row.secretHash()));
    }
}

package flux.tenancy;

import flux.pg.DatabaseException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tenants: provisioning (isolation mode and quota in one step), the scope a request of a
 * tenant runs in, and quota measurement. Their rows are kept by {@link TenantRecords}; what a
 * mode needs inside PostgreSQL (schemas, roles, policies) and the measurements run as plain SQL
 * on {@code dataSource}, which must hand out ordinary connections (not bound to a framework's
 * transaction).
 *
 * <p>Which mode a key's requests run in is the tenant's setting: {@code schema} when the tenant
 * was provisioned so, otherwise {@code row} (a tenant needs no row here to use row-level
 * isolation). Scopes are cached for {@code cacheTtl} (a request costs no extra round trip),
 * so a quota crossed by a measurement on another server is seen within that time; on this
 * server {@link #measureAll()} and {@link #provision} take effect at once. Thread-safe.
 */
public final class TenantDirectory {
    private static final Logger log = LoggerFactory.getLogger(TenantDirectory.class);
    private static final int CACHE_LIMIT = 10_000;

    private final DataSource dataSource;
    private final TenantRecords records;
    private final Duration cacheTtl;
    private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();

    public TenantDirectory(DataSource dataSource, TenantRecords records, Duration cacheTtl) {
        this.dataSource = dataSource;
        this.records = records;
        this.cacheTtl = cacheTtl;
    }

    /**
     * Creates or changes a tenant in one step: what its mode needs in PostgreSQL, then its row
     * ({@link #prepare}, then {@link #record}). Idempotent. Switching an existing tenant's mode
     * moves no data.
     *
     * @param quotaBytes null for no quota
     * @throws TenancyException when PostgreSQL fails it
     */
    public Tenant provision(String tenantId, TenantScope.Isolation isolation, Long quotaBytes) {
        return record(prepare(tenantId, isolation, quotaBytes));
    }

    /**
     * The first step of provisioning: makes PostgreSQL ready for the tenant's mode (schema: the
     * {@code t_<id>_api} schema and role; row: the runtime role and the policies on every table
     * with a {@code tenant_id} column), committed on a connection of its own. Idempotent. An id
     * that cannot be this mode's, a schema another tenant owns, or a negative quota is refused
     * ({@link IllegalArgumentException}) before anything changes.
     *
     * @param quotaBytes null for no quota
     * @throws TenancyException when PostgreSQL fails it
     */
    public Prepared prepare(String tenantId, TenantScope.Isolation isolation, Long quotaBytes) {
        ApiKeyStore.requireTenant(tenantId);
        if (quotaBytes != null && quotaBytes < 0) {
            throw new IllegalArgumentException("a quota cannot be negative: " + quotaBytes);
        }
        String schema = null;
        if (isolation == TenantScope.Isolation.SCHEMA) {
            TenantSchemas.requireSchemaTenantId(tenantId);
            schema = TenantSchemas.schemaOf(tenantId);
            requireFreeSchema(tenantId, schema);
        }
        try (Connection c = dataSource.getConnection()) {
            if (schema != null) {
                TenantSchemas.provision(c, tenantId);
            } else {
                TenantPolicies.installRuntimeRole(c);
                TenantPolicies.isolateAll(c);
            }
        } catch (SQLException | DatabaseException failure) {
            SQLException e = DatabaseException.sqlCauseOf(failure);
            throw new TenancyException(e);
        }
        return new Prepared(tenantId, isolation, quotaBytes, schema);
    }

    /**
     * The second step: stores the tenant's row (mode, quota, and the schema a schema tenant owns,
     * which it keeps when turning row-level) through the records, in the caller's transaction
     * when there is one; this server's requests see it at once.
     */
    public Tenant record(Prepared tenant) {
        records.save(tenant.tenantId, tenant.isolation, tenant.quotaBytes, tenant.schema);
        cache.remove(tenant.tenantId);
        return records.find(tenant.tenantId).orElseThrow();
    }

    /**
     * Refuses a schema another tenant owns: ids that differ only in case or in '-' against '_'
     * name the same schema and role, and sharing them would share the data.
     */
    private void requireFreeSchema(String tenantId, String schema) {
        records.ownerOfSchema(schema, tenantId).ifPresent(owner -> {
            throw new IllegalArgumentException("schema " + schema + " already belongs to tenant " + owner
                    + "; tenant " + tenantId + " needs an id that names another schema");
        });
    }

    /**
     * Makes sure a key of {@code tenantId} is served isolated: for a row-level tenant (any tenant
     * not provisioned in schema mode), the runtime role exists and every {@code tenant_id} table
     * has its policy. Idempotent; called when a key is issued and at server start.
     *
     * @throws TenancyException when PostgreSQL fails it
     */
    public void ensureIsolation(String tenantId) {
        Optional<Tenant> tenant = records.find(tenantId);
        if (tenant.isEmpty() || tenant.get().isolation() == TenantScope.Isolation.ROW) {
            try (Connection c = dataSource.getConnection()) {
                TenantPolicies.installRuntimeRole(c);
                TenantPolicies.isolateAll(c);
            } catch (SQLException | DatabaseException failure) {
                SQLException e = DatabaseException.sqlCauseOf(failure);
                throw new TenancyException(e);
            }
        }
    }

    /** The tenant's row as stored now (not cached); empty for a tenant never provisioned. */
    public Optional<Tenant> find(String tenantId) {
        return records.find(tenantId);
    }

    public List<Tenant> list() {
        return records.all();
    }

    /** The scope a request of {@code tenantId} runs in: its mode, and whether it is over quota. */
    public TenantScope scopeOf(String tenantId) {
        Cached entry = cache.get(tenantId);
        if (entry == null || System.nanoTime() - entry.expiresAtNanos > 0) {
            TenantScope scope = records.find(tenantId)
                    .map(t -> new TenantScope(t.id(), t.isolation(), t.overQuota()))
                    .orElseGet(() -> new TenantScope(tenantId, TenantScope.Isolation.ROW, false));
            entry = new Cached(scope, System.nanoTime() + cacheTtl.toNanos());
            if (cache.size() >= CACHE_LIMIT) {
                cache.clear();
            }
            cache.put(tenantId, entry);
        }
        return entry.scope;
    }

    /**
     * Measures every tenant of {@code flux.tenants} and records the figures; the quota check
     * of this server sees them at once. Returns the tenants as measured. One tenant's failure
     * (e.g. a table dropped while measuring) is logged and does not stop the others.
     */
    public List<Tenant> measureAll() {
        List<Tenant> measured = new ArrayList<>();
        for (Tenant t : records.all()) {
            try {
                long used;
                // Closed before the records are written: with a pool of one, they need its connection.
                try (Connection c = dataSource.getConnection()) {
                    used = TenantStorage.measure(c, t.id(), t.isolation());
                }
                records.recordUsage(t.id(), used);
                Tenant now = records.find(t.id()).orElse(t);
                if (now.overQuota() && !t.overQuota()) {
                    log.warn("tenant {} is over its storage quota ({} of {} bytes): inserts and updates refused",
                            t.id(), used, t.quotaBytes());
                } else if (!now.overQuota() && t.overQuota()) {
                    log.info("tenant {} is back under its storage quota ({} of {} bytes)", t.id(), used,
                            t.quotaBytes());
                }
                measured.add(now);
            } catch (SQLException | RuntimeException e) {
                log.warn("cannot measure the storage of tenant {}: {}", t.id(), e.getMessage());
            }
        }
        cache.clear();
        return measured;
    }

    /** A tenant whose database side is ready ({@link #prepare}); {@link #record} stores its row. */
    public static final class Prepared {
        private final String tenantId;
        private final TenantScope.Isolation isolation;
        private final Long quotaBytes;
        private final String schema;

        private Prepared(String tenantId, TenantScope.Isolation isolation, Long quotaBytes, String schema) {
            this.tenantId = tenantId;
            this.isolation = isolation;
            this.quotaBytes = quotaBytes;
            this.schema = schema;
        }

        public String tenantId() {
            return tenantId;
        }
    }

    private record Cached(TenantScope scope, long expiresAtNanos) {
    }
}

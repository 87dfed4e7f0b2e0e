package flux.tenancy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tenants of {@code flux.tenants}: provisioning (isolation mode and quota in one step),
 * the scope a request of a tenant runs in, and quota measurement.
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

    // schema_name: cast to name, so it is stored as PostgreSQL stores the schema (cut at 63 bytes);
    // a tenant turning row-level keeps its schema (null does not overwrite it).
    private static final String UPSERT = """
            INSERT INTO flux.tenants (id, isolation, quota_bytes, schema_name) VALUES (?, ?, ?, ?::name)
            ON CONFLICT (id) DO UPDATE SET isolation = excluded.isolation, quota_bytes = excluded.quota_bytes,
                schema_name = coalesce(excluded.schema_name, flux.tenants.schema_name)""";
    private static final String SCHEMA_OWNER = """
            SELECT id FROM flux.tenants WHERE schema_name = ?::name::text AND id <> ?""";
    private static final String SELECT_ALL = """
            SELECT id, isolation, quota_bytes, used_bytes, measured_at FROM flux.tenants ORDER BY id""";
    private static final String SELECT_ONE = """
            SELECT id, isolation, quota_bytes, used_bytes, measured_at FROM flux.tenants WHERE id = ?""";
    private static final String RECORD_USAGE = """
            UPDATE flux.tenants SET used_bytes = ?, measured_at = now() WHERE id = ?""";

    private final DataSource dataSource;
    private final Duration cacheTtl;
    private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();

    public TenantDirectory(DataSource dataSource, Duration cacheTtl) {
        this.dataSource = dataSource;
        this.cacheTtl = cacheTtl;
    }

    /**
     * Creates or changes a tenant in one step: its row, and what its mode needs in PostgreSQL
     * (schema: the {@code t_<id>_api} schema and role; row: the runtime role and the policies on
     * every table with a {@code tenant_id} column). Idempotent. Switching an existing tenant's
     * mode moves no data. A schema tenant's row records its schema ({@code schema_name}); a schema
     * another tenant owns is refused ({@link IllegalArgumentException}).
     *
     * @param quotaBytes null for no quota
     */
    public Tenant provision(String tenantId, TenantScope.Isolation isolation, Long quotaBytes) throws SQLException {
        ApiKeyStore.requireTenant(tenantId);
        if (quotaBytes != null && quotaBytes < 0) {
            throw new IllegalArgumentException("a quota cannot be negative: " + quotaBytes);
        }
        String schema = isolation == TenantScope.Isolation.SCHEMA ? TenantSchemas.schemaOf(tenantId) : null;
        try (Connection c = dataSource.getConnection()) {
            if (schema != null) {
                requireFreeSchema(c, tenantId, schema);
                TenantSchemas.provision(c, tenantId);
            } else {
                TenantPolicies.installRuntimeRole(c);
                TenantPolicies.isolateAll(c);
            }
            try (PreparedStatement ps = c.prepareStatement(UPSERT)) {
                ps.setString(1, tenantId);
                ps.setString(2, isolation.label());
                ps.setObject(3, quotaBytes);
                ps.setString(4, schema);
                ps.executeUpdate();
            }
            cache.remove(tenantId);
            return find(c, tenantId).orElseThrow();
        }
    }

    /**
     * Refuses a schema another tenant owns: ids that differ only in case or in '-' against '_'
     * name the same schema and role, and sharing them would share the data.
     */
    private static void requireFreeSchema(Connection c, String tenantId, String schema) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SCHEMA_OWNER)) {
            ps.setString(1, schema);
            ps.setString(2, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    throw new IllegalArgumentException("schema " + schema + " already belongs to tenant "
                            + rs.getString(1) + "; tenant " + tenantId + " needs an id that names another schema");
                }
            }
        }
    }

    /**
     * Makes sure a key of {@code tenantId} is served isolated: for a row-level tenant (any tenant
     * not provisioned in schema mode), the runtime role exists and every {@code tenant_id} table
     * has its policy. Idempotent; called when a key is issued and at server start.
     */
    public void ensureIsolation(String tenantId) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            Optional<Tenant> tenant = find(c, tenantId);
            if (tenant.isEmpty() || tenant.get().isolation() == TenantScope.Isolation.ROW) {
                TenantPolicies.installRuntimeRole(c);
                TenantPolicies.isolateAll(c);
            }
        }
    }

    public List<Tenant> list() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return list(c);
        }
    }

    private static List<Tenant> list(Connection c) throws SQLException {
        List<Tenant> tenants = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(SELECT_ALL); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                tenants.add(read(rs));
            }
        }
        return tenants;
    }

    /** The scope a request of {@code tenantId} runs in: its mode, and whether it is over quota. */
    public TenantScope scopeOf(String tenantId) throws SQLException {
        Cached entry = cache.get(tenantId);
        if (entry == null || System.nanoTime() - entry.expiresAtNanos > 0) {
            Optional<Tenant> tenant;
            try (Connection c = dataSource.getConnection()) {
                tenant = find(c, tenantId);
            }
            TenantScope scope = tenant.map(t -> new TenantScope(t.id(), t.isolation(), t.overQuota()))
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
    public List<Tenant> measureAll() throws SQLException {
        List<Tenant> measured = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            for (Tenant t : list(c)) {
                try {
                    long used = TenantStorage.measure(c, t.id(), t.isolation());
                    try (PreparedStatement ps = c.prepareStatement(RECORD_USAGE)) {
                        ps.setLong(1, used);
                        ps.setString(2, t.id());
                        ps.executeUpdate();
                    }
                    Tenant now = find(c, t.id()).orElse(t);
                    if (now.overQuota() && !t.overQuota()) {
                        log.warn("tenant {} is over its storage quota ({} of {} bytes): inserts and updates refused",
                                t.id(), used, t.quotaBytes());
                    } else if (!now.overQuota() && t.overQuota()) {
                        log.info("tenant {} is back under its storage quota ({} of {} bytes)", t.id(), used,
                                t.quotaBytes());
                    }
                    measured.add(now);
                } catch (SQLException e) {
                    log.warn("cannot measure the storage of tenant {}: {}", t.id(), e.getMessage());
                }
            }
        }
        cache.clear();
        return measured;
    }

    private static Optional<Tenant> find(Connection c, String tenantId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SELECT_ONE)) {
            ps.setString(1, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    private static Tenant read(ResultSet rs) throws SQLException {
        Timestamp measured = rs.getTimestamp(5);
        return new Tenant(rs.getString(1), TenantScope.Isolation.parse(rs.getString(2)),
                (Long) rs.getObject(3), (Long) rs.getObject(4), measured == null ? null : measured.toInstant());
    }

    private record Cached(TenantScope scope, long expiresAtNanos) {
    }
}

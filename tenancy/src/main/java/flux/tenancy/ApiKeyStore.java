package flux.tenancy;

import java.security.MessageDigest;
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
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * API keys in {@code flux.api_keys}: issue, list, revoke, and authenticate a bearer token.
 *
 * <p>Authentication looks a key up by its public id and compares SHA-256 hashes in constant
 * time. Lookups are cached (default {@link #DEFAULT_CACHE_TTL}) so a request costs no extra round trip; a
 * revocation therefore takes effect within that time on other servers (at once on this one).
 * Thread-safe.
 */
public final class ApiKeyStore {
    public static final Duration DEFAULT_CACHE_TTL = Duration.ofSeconds(10);
    private static final int CACHE_LIMIT = 10_000;
    private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9_-]{1,63}");

    private static final String INSERT = """
            INSERT INTO flux.api_keys (id, secret_hash, tenant_id, role, name)
            VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING RETURNING created_at""";
    private static final String SELECT_ALL = """
            SELECT id, tenant_id, role, name, created_at, revoked_at FROM flux.api_keys ORDER BY created_at, id""";
    private static final String REVOKE = """
            UPDATE flux.api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = ?
            RETURNING id, tenant_id, role, name, created_at, revoked_at""";
    private static final String LOOKUP = """
            SELECT secret_hash, tenant_id, role, revoked_at FROM flux.api_keys WHERE id = ?""";

    private final DataSource dataSource;
    private final Duration cacheTtl;
    private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();

    public ApiKeyStore(DataSource dataSource) {
        this(dataSource, DEFAULT_CACHE_TTL);
    }

    public ApiKeyStore(DataSource dataSource, Duration cacheTtl) {
        this.dataSource = dataSource;
        this.cacheTtl = cacheTtl;
    }

    /** Issues a key for a tenant; the returned token is the only copy of the secret. */
    public IssuedKey create(String tenantId, Role role, String name) throws SQLException {
        requireTenant(tenantId);
        try (Connection c = dataSource.getConnection(); PreparedStatement st = c.prepareStatement(INSERT)) {
            for (int attempt = 0; attempt < 5; attempt++) { // 32-bit ids: a clash is rare, never fatal
                String id = ApiKeyToken.newId();
                String token = ApiKeyToken.newToken(id);
                st.setString(1, id);
                st.setBytes(2, ApiKeyToken.hash(token));
                st.setString(3, tenantId);
                st.setString(4, role.label());
                st.setString(5, name);
                try (ResultSet rs = st.executeQuery()) {
                    if (rs.next()) {
                        ApiKey key = new ApiKey(id, tenantId, role, name, rs.getTimestamp(1).toInstant(), null);
                        return new IssuedKey(key, token);
                    }
                }
            }
        }
        throw new SQLException("could not find a free key id after 5 attempts");
    }

    public List<ApiKey> list() throws SQLException {
        List<ApiKey> keys = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement st = c.prepareStatement(SELECT_ALL);
             ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                keys.add(read(rs));
            }
        }
        return keys;
    }

    /** Revokes a key by id (idempotent); empty when no key has that id. */
    public Optional<ApiKey> revoke(String id) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement st = c.prepareStatement(REVOKE)) {
            st.setString(1, id);
            try (ResultSet rs = st.executeQuery()) {
                cache.remove(id);
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    /** The principal of a valid, unrevoked token; empty for anything else. */
    public Optional<Principal> authenticate(String token) throws SQLException {
        Optional<String> id = ApiKeyToken.idOf(token);
        if (id.isEmpty()) {
            return Optional.empty();
        }
        Cached entry = cache.get(id.get());
        if (entry == null || entry.expired()) {
            entry = lookup(id.get());
            if (cache.size() >= CACHE_LIMIT) {
                cache.clear();
            }
            cache.put(id.get(), entry);
        }
        if (entry.principal == null || !MessageDigest.isEqual(entry.secretHash, ApiKeyToken.hash(token))) {
            return Optional.empty();
        }
        return Optional.of(entry.principal);
    }

    static void requireTenant(String tenantId) {
        if (tenantId == null || !TENANT.matcher(tenantId).matches()) {
            throw new IllegalArgumentException("tenant id must be 1-63 letters, digits, '_' or '-': \""
                    + tenantId + "\"");
        }
    }

    private Cached lookup(String id) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement st = c.prepareStatement(LOOKUP)) {
            st.setString(1, id);
            try (ResultSet rs = st.executeQuery()) {
                long expires = System.nanoTime() + cacheTtl.toNanos();
                if (!rs.next() || rs.getTimestamp("revoked_at") != null) {
                    return new Cached(null, new byte[0], expires);
                }
                Principal principal = new Principal(id, rs.getString("tenant_id"), Role.parse(rs.getString("role")));
                return new Cached(principal, rs.getBytes("secret_hash"), expires);
            }
        }
    }

    private static ApiKey read(ResultSet rs) throws SQLException {
        Timestamp revoked = rs.getTimestamp("revoked_at");
        return new ApiKey(rs.getString("id"), rs.getString("tenant_id"), Role.parse(rs.getString("role")),
                rs.getString("name"), rs.getTimestamp("created_at").toInstant(),
                revoked == null ? null : revoked.toInstant());
    }

    private record Cached(Principal principal, byte[] secretHash, long expiresAtNanos) {
        boolean expired() {
            return System.nanoTime() - expiresAtNanos > 0;
        }
    }
}

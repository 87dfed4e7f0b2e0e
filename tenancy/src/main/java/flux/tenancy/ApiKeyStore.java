package flux.tenancy;

import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * API keys: issue, list, revoke, and authenticate a bearer token, over {@link ApiKeyRecords}.
 *
 * <p>Authentication looks a key up by its public id and compares SHA-256 hashes in constant
 * time. Lookups are cached for {@code cacheTtl} (the server's default is 10 s) so a request costs no
 * extra round trip; a revocation therefore takes effect within that time on other servers (at once
 * on this one).
 * Storage failures are the records' unchecked exceptions. Thread-safe.
 */
public final class ApiKeyStore {
    private static final int CACHE_LIMIT = 10_000;
    private static final int ID_ATTEMPTS = 5;
    private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9_-]{1,63}");

    private final ApiKeyRecords records;
    private final Duration cacheTtl;
    private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();

    public ApiKeyStore(ApiKeyRecords records, Duration cacheTtl) {
        this.records = records;
        this.cacheTtl = cacheTtl;
    }

    /** Issues a key for a tenant; the returned token is the only copy of the secret. */
    public IssuedKey create(String tenantId, Role role, String name) {
        requireTenant(tenantId);
        for (int attempt = 0; attempt < ID_ATTEMPTS; attempt++) { // 32-bit ids: a clash is rare, never fatal
            String id = ApiKeyToken.newId();
            String token = ApiKeyToken.newToken(id);
            Optional<ApiKey> stored = records.insertUnlessTaken(id, ApiKeyToken.hash(token), tenantId, role, name);
            if (stored.isPresent()) {
                return new IssuedKey(stored.get(), token);
            }
        }
        throw new IllegalStateException("could not find a free key id after " + ID_ATTEMPTS + " attempts");
    }

    public List<ApiKey> list() {
        return records.all();
    }

    /** Revokes a key by id (idempotent); empty when no key has that id. */
    public Optional<ApiKey> revoke(String id) {
        Optional<ApiKey> revoked = records.revoke(id);
        cache.remove(id);
        return revoked;
    }

    /** The principal of a valid, unrevoked token; empty for anything else. */
    public Optional<Principal> authenticate(String token) {
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

    /** What a token with this id authenticates as; a miss (unknown or revoked) is cached too. */
    private Cached lookup(String id) {
        long expires = System.nanoTime() + cacheTtl.toNanos();
        return records.find(id)
                .filter(stored -> !stored.key().revoked())
                .map(stored -> new Cached(new Principal(id, stored.key().tenantId(), stored.key().role()),
                        stored.secretHash(), expires))
                .orElseGet(() -> new Cached(null, new byte[0], expires));
    }

    private record Cached(Principal principal, byte[] secretHash, long expiresAtNanos) {
        boolean expired() {
            return System.nanoTime() - expiresAtNanos > 0;
        }
    }
}

package flux.tenancy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** API keys in memory, counting lookups: a fake of the storage port for {@link ApiKeyStore}'s own logic. */
final class MemoryApiKeyRecords implements ApiKeyRecords {
    private final Map<String, StoredKey> keys = new LinkedHashMap<>();
    /** Ids the next inserts find taken, as if another key had them. */
    final List<String> taken = new ArrayList<>();
    int lookups;

    @Override
    public synchronized Optional<ApiKey> insertUnlessTaken(String id, byte[] secretHash, String tenantId, Role role,
                                                           String name) {
        if (!taken.isEmpty()) {
            taken.remove(0);
            return Optional.empty();
        }
        ApiKey key = new ApiKey(id, tenantId, role, name, Instant.now(), null);
        keys.put(id, new StoredKey(key, secretHash));
        return Optional.of(key);
    }

    @Override
    public synchronized List<ApiKey> all() {
        return keys.values().stream().map(StoredKey::key).toList();
    }

    @Override
    public synchronized Optional<ApiKey> revoke(String id) {
        return Optional.ofNullable(keys.computeIfPresent(id, (k, s) -> s.key().revoked() ? s : new StoredKey(
                new ApiKey(k, s.key().tenantId(), s.key().role(), s.key().name(), s.key().createdAt(), Instant.now()),
                s.secretHash()))).map(StoredKey::key);
    }

    @Override
    public synchronized Optional<StoredKey> find(String id) {
        lookups++;
        return Optional.ofNullable(keys.get(id));
    }
}

package flux.tenancy;

import java.time.Instant;

/** A stored API key, without its secret. {@code revokedAt} is null while the key is valid. */
public record ApiKey(String id, String tenantId, Role role, String name, Instant createdAt, Instant revokedAt) {
    public boolean revoked() {
        return revokedAt != null;
    }
}

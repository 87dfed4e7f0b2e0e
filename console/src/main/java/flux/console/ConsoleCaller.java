package flux.console;

import flux.tenancy.TenantScope;
import java.util.Objects;

/**
 * Who runs console statements, as the API key check found it.
 *
 * @param keyId     the API key's public id; null in open mode
 * @param tenantId  the key's tenant; null for a caller without one (open mode), who runs as the login role
 * @param isolation the tenant's isolation mode; null exactly when {@code tenantId} is
 * @param writes    whether the key's role allows writes (read-write or admin)
 */
public record ConsoleCaller(String keyId, String tenantId, TenantScope.Isolation isolation, boolean writes) {
    public ConsoleCaller {
        if ((tenantId == null) != (isolation == null)) {
            throw new IllegalArgumentException("a tenant and its isolation mode go together");
        }
    }

    /** A caller without a tenant: the server's own login role (open mode on loopback). */
    public static ConsoleCaller operator(String keyId) {
        return new ConsoleCaller(keyId, null, null, true);
    }

    public static ConsoleCaller tenant(String keyId, TenantScope scope, boolean writes) {
        Objects.requireNonNull(scope, "scope");
        return new ConsoleCaller(keyId, scope.tenantId(), scope.isolation(), writes);
    }

    public boolean hasTenant() {
        return tenantId != null;
    }
}

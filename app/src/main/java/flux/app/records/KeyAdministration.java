package flux.app.records;

import com.fasterxml.jackson.annotation.JsonInclude;
import flux.tenancy.ApiKey;
import flux.tenancy.ApiKeyStore;
import flux.tenancy.IssuedKey;
import flux.tenancy.Role;
import flux.tenancy.TenantDirectory;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.util.List;
import java.util.Optional;

/**
 * Issuing, listing and revoking API keys on behalf of an actor: each change and its audit entry
 * are one transaction (explicit, not a proxy), so neither is stored without the other.
 */
@Singleton
public final class KeyAdministration {
    private final ApiKeyStore keys;
    private final TenantDirectory tenants;
    private final AuditLog audit;
    private final TransactionOperations<Connection> transactions;

    KeyAdministration(ApiKeyStore keys, TenantDirectory tenants, AuditLog audit,
                      TransactionOperations<Connection> transactions) {
        this.keys = keys;
        this.tenants = tenants;
        this.audit = audit;
        this.transactions = transactions;
    }

    /**
     * Issues a key; then makes sure its tenant is served isolated (a row-level tenant's runtime
     * role and policies), so the key is usable at once.
     *
     * @throws IllegalArgumentException for a tenant id that is not one, or a deleted tenant
     * @throws flux.tenancy.TenancyException when PostgreSQL fails to isolate the tenant
     */
    public IssuedKey create(String actor, String tenantId, Role role, String name) {
        if (tenants.find(tenantId).filter(flux.tenancy.Tenant::deleted).isPresent()) {
            throw new IllegalArgumentException("tenant " + tenantId + " is deleted: flux tenants undelete " + tenantId
                    + " first");
        }
        IssuedKey issued = transactions.executeWrite(status -> {
            IssuedKey created = keys.create(tenantId, role, name);
            audit.record(actor, tenantId, "key.create", created.key().id(), new KeyDetail(role.label(), name));
            return created;
        });
        tenants.ensureIsolation(tenantId);
        return issued;
    }

    public List<ApiKey> list() {
        return keys.list();
    }

    /** Revokes a key (again: its first revocation stands, the attempt is recorded); empty when there is none. */
    public Optional<ApiKey> revoke(String actor, String id) {
        return transactions.executeWrite(status -> {
            Optional<ApiKey> revoked = keys.revoke(id);
            revoked.ifPresent(k -> audit.record(actor, k.tenantId(), "key.revoke", id,
                    new KeyDetail(k.role().label(), k.name())));
            return revoked;
        });
    }

    /** What an entry of a key records besides its id: the key's role and label. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record KeyDetail(String role, String name) {
    }
}

package flux.app.records;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import flux.tenancy.Tenant;
import flux.tenancy.TenantDirectory;
import flux.tenancy.TenantScope;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.util.List;
import java.util.Optional;

/**
 * Provisioning and measuring tenants on behalf of an actor. What a mode needs inside PostgreSQL
 * (schema, role, policies) is made first, committed on a connection of its own (DDL cannot join
 * the records' transaction) and idempotent, so a failed provisioning is simply run again; then
 * the tenant's row and its audit entry are one transaction.
 */
@Singleton
public final class TenantAdministration {
    private final TenantDirectory tenants;
    private final AuditLog audit;
    private final TransactionOperations<Connection> transactions;

    TenantAdministration(TenantDirectory tenants, AuditLog audit, TransactionOperations<Connection> transactions) {
        this.tenants = tenants;
        this.audit = audit;
        this.transactions = transactions;
    }

    /**
     * Creates or changes a tenant ({@link TenantDirectory#provision}); recorded as
     * {@code tenant.create} or {@code tenant.update} with the mode and quota before and after.
     *
     * @throws IllegalArgumentException for an id that cannot be this mode's, a schema another tenant owns, or a deleted tenant
     * @throws flux.tenancy.TenancyException when PostgreSQL fails it
     */
    public Tenant provision(String actor, String tenantId, TenantScope.Isolation isolation, Long quotaBytes) {
        if (tenants.find(tenantId).filter(Tenant::deleted).isPresent()) {
            throw new IllegalArgumentException("tenant " + tenantId + " is deleted: flux tenants undelete " + tenantId
                    + " first, or purge it");
        }
        TenantDirectory.Prepared prepared = tenants.prepare(tenantId, isolation, quotaBytes);
        return transactions.executeWrite(status -> {
            Optional<Tenant> before = tenants.find(tenantId);
            Tenant after = tenants.record(prepared);
            audit.record(actor, tenantId, before.isPresent() ? "tenant.update" : "tenant.create", tenantId,
                    TenantDetail.of(after, before.orElse(null)));
            return after;
        });
    }

    public List<Tenant> list() {
        return tenants.list();
    }

    /** Measures every tenant's storage now and records it (the server does this periodically). */
    public List<Tenant> measureAll() {
        return tenants.measureAll();
    }

    /** What an entry of a tenant records: its mode and quota, and for a change what they were. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record TenantDetail(String isolation, Long quotaBytes, String previousIsolation, Long previousQuotaBytes) {
        static TenantDetail of(Tenant after, Tenant before) {
            return new TenantDetail(after.isolation().label(), after.quotaBytes(),
                    before == null ? null : before.isolation().label(), before == null ? null : before.quotaBytes());
        }
    }
}

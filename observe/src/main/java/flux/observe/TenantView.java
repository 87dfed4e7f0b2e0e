package flux.observe;

import java.util.Objects;

/**
 * Whose observations a reader sees: {@link #ALL} (an operator: open mode or an admin key) or
 * one tenant's ({@link #of}), which are the statements its own requests ran, and nothing of a
 * request without a tenant. Every observation keeps the tenant of the statement it came from
 * ({@link flux.query.QueryTrace#tenantId()}), so a tenant's view is a filter, not a second record.
 */
public final class TenantView {
    public static final TenantView ALL = new TenantView(null);

    private final String tenantId;

    private TenantView(String tenantId) {
        this.tenantId = tenantId;
    }

    /** One tenant's view; {@code tenantId} must not be null (that is {@link #ALL}). */
    public static TenantView of(String tenantId) {
        return new TenantView(Objects.requireNonNull(tenantId, "tenantId"));
    }

    /** Whether an observation of {@code observedTenant} (null: a request without one) is shown. */
    public boolean sees(String observedTenant) {
        return tenantId == null || tenantId.equals(observedTenant);
    }

    /** The tenant, or null for {@link #ALL}. */
    public String tenantId() {
        return tenantId;
    }

    /** The key an aggregation groups a tenant's observations under, apart from other tenants'. */
    static String key(String observedTenant, String rest) {
        return (observedTenant == null ? "" : observedTenant) + '\u0000' + rest;
    }
}

package flux.tenancy;

import java.time.Instant;

/**
 * A tenant's row in {@code flux.tenants}. {@code quotaBytes} is null without a quota;
 * {@code usedBytes} and {@code measuredAt} are null before the first measurement;
 * {@code deletedAt} and {@code purgeAfter} are null unless the tenant is deleted (a tombstone,
 * purged after {@code purgeAfter}).
 */
public record Tenant(String id, TenantScope.Isolation isolation, Long quotaBytes, Long usedBytes,
                     Instant measuredAt, Instant deletedAt, Instant purgeAfter) {

    /** A live tenant. */
    public Tenant(String id, TenantScope.Isolation isolation, Long quotaBytes, Long usedBytes, Instant measuredAt) {
        this(id, isolation, quotaBytes, usedBytes, measuredAt, null, null);
    }

    /** True when the last measurement reached the quota: writes that add data are refused. */
    public boolean overQuota() {
        return quotaBytes != null && usedBytes != null && usedBytes >= quotaBytes;
    }

    public boolean deleted() {
        return deletedAt != null;
    }
}

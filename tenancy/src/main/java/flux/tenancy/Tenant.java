package flux.tenancy;

import java.time.Instant;

/**
 * A tenant's row in {@code flux.tenants}. {@code quotaBytes} is null without a quota;
 * {@code usedBytes} and {@code measuredAt} are null before the first measurement.
 */
public record Tenant(String id, TenantScope.Isolation isolation, Long quotaBytes, Long usedBytes,
                     Instant measuredAt) {

    /** True when the last measurement reached the quota: writes that add data are refused. */
    public boolean overQuota() {
        return quotaBytes != null && usedBytes != null && usedBytes >= quotaBytes;
    }
}

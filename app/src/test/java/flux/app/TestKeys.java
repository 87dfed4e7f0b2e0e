package flux.app;

import flux.app.records.AuditLog;
import flux.app.records.KeyAdministration;
import flux.app.records.RecordsContext;
import flux.app.records.TenantAdministration;
import flux.tenancy.Role;
import flux.tenancy.TenantScope;
import java.sql.SQLException;

/** Tenants and keys for a test's server, made as {@code flux tenants create} and {@code flux keys create} make them. */
public final class TestKeys {
    private TestKeys() {
    }

    /** Provisions row-level tenant {@code tenantId} and returns the token of a new key of it. */
    public static String rowTenantKey(RecordsContext records, String tenantId, Role role, String name)
            throws SQLException {
        records.get(TenantAdministration.class).provision(AuditLog.CLI, tenantId, TenantScope.Isolation.ROW, null);
        return records.get(KeyAdministration.class).create(AuditLog.CLI, tenantId, role, name).token();
    }
}

package flux.tenancy;

import flux.pg.Identifiers;
import flux.pg.Transactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * Measures how much storage a tenant uses, for quotas. Schema mode: the on-disk size of the
 * tenant schema's tables with their indexes and TOAST ({@code pg_total_relation_size}), exact
 * as PostgreSQL counts pages. Row mode: tenants share pages, so this is an estimate, the sum of
 * {@code pg_column_size} of the tenant's rows over every table with a {@code tenant_id} column
 * (row payloads without page, index or dead-tuple overhead). Reads run with the tenant's
 * setting in a read-only transaction of their own, so a login role that owns the tables (and is
 * bound by FORCE ROW LEVEL SECURITY) measures the same as a superuser.
 */
final class TenantStorage {
    private static final String SCHEMA_SIZE = """
            SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)
              FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = ? AND c.relkind IN ('r', 'm')""";
    private static final String SET_TENANT = "SELECT set_config('flux.tenant_id', ?, true)";

    private TenantStorage() {
    }

    static long measure(Connection c, String tenantId, TenantScope.Isolation isolation) throws SQLException {
        if (isolation == TenantScope.Isolation.SCHEMA) {
            try (PreparedStatement ps = c.prepareStatement(SCHEMA_SIZE)) {
                ps.setString(1, TenantSchemas.schemaOf(tenantId));
                return single(ps);
            }
        }
        List<String[]> tables = TenantPolicies.tablesWithTenantColumn(c);
        return Transactions.rollBackAfter(c, x -> {
            try (PreparedStatement ps = x.prepareStatement(SET_TENANT)) {
                ps.setString(1, tenantId);
                ps.execute();
            }
            long total = 0;
            for (String[] t : tables) {
                String name = Identifiers.qualified(t[0], t[1]);
                try (PreparedStatement ps = x.prepareStatement("SELECT coalesce(sum(pg_column_size(t.*)), 0) FROM "
                        + name + " t WHERE " + Identifiers.quote(TenantPolicies.TENANT_COLUMN) + " = ?")) {
                    ps.setString(1, tenantId);
                    total += single(ps);
                }
            }
            return total;
        });
    }

    private static long single(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}

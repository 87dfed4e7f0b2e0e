package flux.console;

import flux.log.LogSchema;
import flux.pg.SchemaInstaller;
import flux.tenancy.TenancySchema;
import flux.tenancy.Tenant;
import flux.tenancy.TenantDirectory;
import flux.tenancy.TenantRecords;
import flux.tenancy.TenantScope;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The console's tests' database: the flux schema as the server installs it (log, tenancy, the
 * console's tables; not app's audit log of administration, which the console does not touch),
 * and tenants kept in {@code flux.tenants} by plain JDBC, which the app does with Micronaut Data.
 */
public final class TestTenants implements TenantRecords {
    private final DataSource dataSource;

    private TestTenants(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public static void installSchema(DataSource dataSource) throws SQLException {
        SchemaInstaller.install(dataSource, LogSchema.script(), TenancySchema.script(), ConsoleSchema.script());
    }

    /** A directory of tenants over {@code dataSource}, uncached. */
    public static TenantDirectory directory(DataSource dataSource) {
        return new TenantDirectory(dataSource, new TestTenants(dataSource), Duration.ZERO);
    }

    @Override
    public Optional<Tenant> find(String id) {
        List<Tenant> found = select("SELECT * FROM flux.tenants WHERE id = ?", id);
        return found.stream().findFirst();
    }

    @Override
    public List<Tenant> all() {
        return select("SELECT * FROM flux.tenants ORDER BY id", null);
    }

    @Override
    public void save(String id, TenantScope.Isolation isolation, Long quotaBytes, String schemaName) {
        update("""
                INSERT INTO flux.tenants (id, isolation, quota_bytes, schema_name) VALUES (?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET isolation = excluded.isolation, quota_bytes = excluded.quota_bytes,
                    schema_name = coalesce(excluded.schema_name, flux.tenants.schema_name)""",
                id, isolation.label(), quotaBytes, schemaName);
    }

    @Override
    public Optional<String> ownerOfSchema(String schema, String exceptTenantId) {
        return select("SELECT * FROM flux.tenants WHERE schema_name = ? AND id <> '" + exceptTenantId.replace("'", "''")
                + "'", schema).stream().map(Tenant::id).findFirst();
    }

    @Override
    public void recordUsage(String id, long usedBytes) {
        update("UPDATE flux.tenants SET used_bytes = ?, measured_at = now() WHERE id = ?", usedBytes, id);
    }

    private List<Tenant> select(String sql, String param) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            if (param != null) {
                ps.setString(1, param);
            }
            List<Tenant> tenants = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Timestamp measured = rs.getTimestamp("measured_at");
                    tenants.add(new Tenant(rs.getString("id"), TenantScope.Isolation.parse(rs.getString("isolation")),
                            (Long) rs.getObject("quota_bytes"), (Long) rs.getObject("used_bytes"),
                            measured == null ? null : measured.toInstant()));
                }
            }
            return tenants;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private void update(String sql, Object... params) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}

package flux.app.migrate;

import flux.app.wiring.FluxSchema;
import flux.app.server.StartupFailure;
import flux.pg.DatabaseException;
import flux.tenancy.ApiKeyStore;
import flux.tenancy.Tenant;
import flux.tenancy.TenantDirectory;
import flux.tenancy.TenantPolicies;
import flux.tenancy.TenantSchemas;
import flux.tenancy.TenantScope;
import flux.migrate.MigrationException;
import flux.migrate.MigrationFiles;
import flux.migrate.MigrationReport;
import flux.migrate.MigrationSettings;
import flux.migrate.Migrator;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.data.exceptions.DataAccessException;
import jakarta.inject.Singleton;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the migrations directory ({@code flux.migrations.dir}, default {@code schema}) when
 * the server starts, before it serves requests; a missing directory means nothing to do.
 * Several servers starting together are serialized by the migrator's advisory lock. A
 * failure stops the start with {@link StartupFailure}, whose message is the
 * migrator's one line.
 *
 * <p>Tenants: the files of {@code flux.migrations.tenant-dir} (default {@code schema/tenants})
 * are then applied in each schema-mode tenant's schema, each with its own ledger rows; and when
 * row-level tenants exist (or keys of tenants without a schema), tables with a {@code tenant_id}
 * column that the migrations created get their row-level policies, so a new table is never
 * served unprotected.
 */
@Singleton
@Requires(property = "flux.database.jdbc-url")
final class StartupMigrations implements ApplicationEventListener<StartupEvent> {
    private static final Logger log = LoggerFactory.getLogger(StartupMigrations.class);

    private final DataSource dataSource;
    private final TenantDirectory tenants;
    private final ApiKeyStore keys;
    private final Path dir;
    private final Path tenantDir;
    private final MigrationSettings settings;

    StartupMigrations(DataSource dataSource, TenantDirectory tenants, ApiKeyStore keys,
                      @Value("${flux.migrations.dir:schema}") String dir,
                      @Value("${flux.migrations.tenant-dir:schema/tenants}") String tenantDir,
                      @Value("${flux.migrations.lock-timeout:10s}") Duration lockTimeout,
                      @Value("${flux.migrations.statement-timeout:15m}") Duration statementTimeout,
                      @Value("${flux.migrations.lock-wait:10m}") Duration lockWait) {
        this.dataSource = dataSource;
        this.tenants = tenants;
        this.keys = keys;
        this.dir = Path.of(dir);
        this.tenantDir = Path.of(tenantDir);
        this.settings = new MigrationSettings(lockTimeout, statementTimeout, lockWait);
    }

    /**
     * Runs when the context has started, before {@code FluxServer} opens the HTTP port. A listener
     * rather than a {@code @Context} bean so a failure reaches the CLI as itself, not wrapped in
     * a multi-line bean instantiation error.
     */
    @Override
    public void onApplicationEvent(StartupEvent event) {
        try {
            // The ledger lives in the flux schema, with Flux's own records; installing them is idempotent.
            FluxSchema.install(dataSource);
        } catch (DatabaseException failure) {
            SQLException e = failure.sqlCause();
            throw new StartupFailure("cannot create the flux schema: " + e.getMessage(), e);
        }
        if (!Files.isDirectory(dir)) {
            log.info("no migrations directory {}; nothing to migrate", dir.toAbsolutePath().normalize());
        } else {
            Migrator migrator = new Migrator(dataSource, settings);
            try {
                MigrationReport report = migrator.migrate(MigrationFiles.directory(dir, null), false, this::logStep);
                log.info("migrations: {} applied from {}", report.outcomes().size(), dir);
            } catch (MigrationException e) {
                throw new StartupFailure("migrating " + dir + " failed: " + e.getMessage(), e);
            }
        }
        migrateTenants();
    }

    private void migrateTenants() {
        List<Tenant> all;
        try {
            all = tenants.list();
            if (rowTenancyInUse(all)) {
                try (Connection c = dataSource.getConnection()) {
                    TenantPolicies.installRuntimeRole(c);
                    List<String> isolated = TenantPolicies.isolateAll(c);
                    log.info("tenancy: row-level policies on {} table(s)", isolated.size());
                }
            }
        } catch (SQLException | DataAccessException e) {
            throw new StartupFailure("cannot prepare tenant isolation: " + e.getMessage(), e);
        }
        if (!Files.isDirectory(tenantDir)) {
            return;
        }
        Migrator migrator = new Migrator(dataSource, settings);
        for (Tenant t : all) {
            if (t.isolation() != TenantScope.Isolation.SCHEMA) {
                continue;
            }
            try {
                MigrationReport report = migrator.forTenant(t.id(), TenantSchemas.schemaOf(t.id()))
                        .migrate(MigrationFiles.directory(tenantDir, null), false, this::logStep);
                log.info("migrations: {} applied from {} for tenant {}", report.outcomes().size(), tenantDir, t.id());
            } catch (MigrationException e) {
                throw new StartupFailure("migrating " + tenantDir + " for tenant " + t.id() + " failed: "
                        + e.getMessage(), e);
            }
        }
    }

    /** Row-level tenants exist, or valid keys whose tenants are not schema tenants (row-level by default). */
    private boolean rowTenancyInUse(List<Tenant> all) {
        if (all.stream().anyMatch(t -> t.isolation() == TenantScope.Isolation.ROW)) {
            return true;
        }
        Set<String> schemaTenants = all.stream().filter(t -> t.isolation() == TenantScope.Isolation.SCHEMA)
                .map(Tenant::id).collect(Collectors.toSet());
        return keys.list().stream().anyMatch(k -> !k.revoked() && !schemaTenants.contains(k.tenantId()));
    }

    private void logStep(MigrationReport.Outcome o) {
        log.info("migrations: {} {} in {} ms", o.step().action().name().toLowerCase(), o.step().fileName(),
                o.executionMs());
    }
}

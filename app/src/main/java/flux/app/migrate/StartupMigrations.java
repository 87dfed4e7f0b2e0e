package flux.app.migrate;

import flux.query.FluxSchema;
import flux.query.migrate.MigrationException;
import flux.query.migrate.MigrationFiles;
import flux.query.migrate.MigrationReport;
import flux.query.migrate.MigrationSettings;
import flux.query.migrate.Migrator;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.StartupEvent;
import jakarta.inject.Singleton;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the migrations directory ({@code flux.migrations.dir}, default {@code schema}) when
 * the server starts, before it serves requests; a missing directory means nothing to do.
 * Several servers starting together are serialized by the migrator's advisory lock. A
 * failure stops the start with {@link StartupMigrationFailed}, whose message is the
 * migrator's one line.
 */
@Singleton
@Requires(property = "flux.database.jdbc-url")
final class StartupMigrations implements ApplicationEventListener<StartupEvent> {
    private static final Logger log = LoggerFactory.getLogger(StartupMigrations.class);

    private final DataSource dataSource;
    private final Path dir;
    private final MigrationSettings settings;

    StartupMigrations(DataSource dataSource,
                      @Value("${flux.migrations.dir:schema}") String dir,
                      @Value("${flux.migrations.lock-timeout:10s}") Duration lockTimeout,
                      @Value("${flux.migrations.statement-timeout:15m}") Duration statementTimeout,
                      @Value("${flux.migrations.lock-wait:10m}") Duration lockWait) {
        this.dataSource = dataSource;
        this.dir = Path.of(dir);
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
            // The ledger lives in the flux schema; installing it is idempotent.
            FluxSchema.install(dataSource);
        } catch (SQLException e) {
            throw new StartupMigrationFailed("cannot create the flux schema: " + e.getMessage(), e);
        }
        if (!Files.isDirectory(dir)) {
            log.info("no migrations directory {}; nothing to migrate", dir.toAbsolutePath().normalize());
            return;
        }
        try {
            MigrationReport report = new Migrator(dataSource, settings).migrate(MigrationFiles.directory(dir, null),
                    false, o -> log.info("migrations: {} {} in {} ms", o.step().action().name().toLowerCase(),
                            o.step().fileName(), o.executionMs()));
            log.info("migrations: {} applied from {}", report.outcomes().size(), dir);
        } catch (MigrationException e) {
            throw new StartupMigrationFailed("migrating " + dir + " failed: " + e.getMessage(), e);
        }
    }
}

package flux.app.migrate;

import flux.migrate.DatabaseConnector;
import flux.migrate.Drift;
import flux.migrate.Lint;
import flux.migrate.MigrationFile;
import flux.migrate.MigrationFiles;
import flux.migrate.MigrationSettings;
import flux.migrate.Migrator;
import flux.migrate.SchemaComparison;
import flux.migrate.SchemaDiff;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;

/**
 * What the admin schema API works on: the server's migrations directory and desired-state file
 * (the ones it applies on start), and the front doors of {@code flux.migrate} over its pool.
 * Scratch databases are reached as the pool's own role.
 */
@Singleton
@Requires(property = "flux.database.jdbc-url")
public final class SchemaAdmin {
    private final DataSource dataSource;
    private final Path dir;
    private final Path desired;
    private final MigrationSettings settings;
    private final DatabaseConnector connector;
    private final long largeRows;

    SchemaAdmin(DataSource dataSource, @Value("${flux.migrations.dir:schema}") String dir,
                @Value("${flux.migrations.desired:schema/schema.sql}") String desired,
                @Value("${flux.migrations.lock-timeout:10s}") Duration lockTimeout,
                @Value("${flux.migrations.statement-timeout:15m}") Duration statementTimeout,
                @Value("${flux.migrations.lock-wait:10m}") Duration lockWait,
                @Value("${flux.migrations.lint.large-table-rows:" + Lint.DEFAULT_LARGE_ROWS + "}") long largeRows,
                @Value("${flux.database.jdbc-url}") String jdbcUrl,
                @Nullable @Value("${flux.database.username:}") String username,
                @Nullable @Value("${flux.database.password:}") String password) {
        this.dataSource = dataSource;
        this.dir = Path.of(dir);
        this.desired = Path.of(desired);
        this.settings = new MigrationSettings(lockTimeout, statementTimeout, lockWait);
        this.connector = DatabaseConnector.sameServer(jdbcUrl, username, password);
        this.largeRows = largeRows;
    }

    /** The migrations directory's files; none when the directory does not exist. */
    List<MigrationFile> files() {
        return Files.isDirectory(dir) ? MigrationFiles.directory(dir, null) : List.of();
    }

    Path dir() {
        return dir;
    }

    Path desired() {
        return desired;
    }

    boolean hasDesiredState() {
        return Files.exists(desired);
    }

    Migrator migrator() {
        return new Migrator(dataSource, settings);
    }

    SchemaDiff differ() {
        return new SchemaDiff(dataSource, connector);
    }

    Drift drift() {
        return new Drift(dataSource, connector);
    }

    /**
     * The live schema against what the directory's applied migrations produce, replayed in a
     * scratch database (seconds): {@code flux db drift} as the server runs it, for the web UI.
     *
     * @throws flux.migrate.MigrationException when it cannot be checked
     */
    public SchemaComparison checkDrift() {
        return drift().check(files());
    }

    Lint lint() {
        return new Lint(dataSource, connector, largeRows);
    }
}

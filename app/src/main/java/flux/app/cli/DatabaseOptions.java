package flux.app.cli;

import flux.app.config.DatabaseUrl;
import flux.dev.FluxHome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import picocli.CommandLine.Option;

/**
 * How CLI commands that work on the database find it: {@code DATABASE_URL}, else the database
 * of the embedded server running on the data directory ({@code <data-dir>/database.url}, written
 * by {@code flux serve}). Use as a picocli {@code @Mixin}.
 */
public final class DatabaseOptions {
    @Option(names = "--data-dir", description = "Data directory of a running embedded server"
            + " (env FLUX_HOME, default ${DEFAULT-VALUE}); used when DATABASE_URL is not set.",
            defaultValue = "${env:FLUX_HOME:-.flux}")
    Path dataDir;

    /** A connection source for the target database; fails with a one-line message when there is none. */
    public DataSource dataSource() {
        DatabaseUrl url = target();
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(url.jdbcUrl());
        if (url.user() != null) {
            ds.setUser(url.user());
        }
        if (url.password() != null) {
            ds.setPassword(url.password());
        }
        ds.setConnectTimeout(5);
        try (Connection ignored = ds.getConnection()) {
            return ds;
        } catch (SQLException e) {
            throw new CliFailure("cannot connect to " + url.display() + ": "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("")));
        }
    }

    public DatabaseUrl target() {
        String env = System.getenv("DATABASE_URL");
        if (env != null && !env.isBlank()) {
            try {
                return DatabaseUrl.parse(env);
            } catch (IllegalArgumentException e) {
                throw new CliFailure(e.getMessage());
            }
        }
        Path file = FluxHome.databaseUrlFile(dataDir);
        if (Files.isRegularFile(file)) {
            try {
                return DatabaseUrl.parse(Files.readString(file).strip());
            } catch (IOException | IllegalArgumentException e) {
                throw new CliFailure("cannot read " + file + ": " + e.getMessage());
            }
        }
        throw new CliFailure("no database: set DATABASE_URL, or start `flux serve` (its embedded database is found"
                + " through " + file + ")");
    }
}

package flux.app.cli;

import flux.app.config.DatabaseUrl;
import flux.dev.FluxHome;
import flux.migrate.DatabaseConnector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import picocli.CommandLine.Option;

/**
 * Which database a {@code db} command talks to: {@code --database-url} / {@code DATABASE_URL},
 * else the embedded database of a running {@code flux serve}, whose JDBC URL serve writes to
 * {@code <data-dir>/database.url} while it runs.
 */
public final class DatabaseOptions {
    @Option(names = "--database-url", paramLabel = "URL",
            description = "PostgreSQL to use: postgresql://user:pass@host:port/db or jdbc:postgresql://..."
                    + " (env DATABASE_URL; default: the database of the `flux serve` running on --data-dir).")
    String databaseUrl;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = ".flux",
            description = "Data directory of a running `flux serve` (env FLUX_HOME, default ${DEFAULT-VALUE}).")
    Path dataDir;

    /** The address to use; a {@link CliFailure} saying how to give one when there is none. */
    DatabaseUrl resolve() {
        if (databaseUrl != null && !databaseUrl.isBlank()) {
            return parse(databaseUrl, "DATABASE_URL");
        }
        Path file = FluxHome.databaseUrlFile(dataDir);
        if (Files.isRegularFile(file)) {
            try {
                return parse(Files.readString(file).strip(), file.toString());
            } catch (IOException e) {
                throw new CliFailure("cannot read " + file + ": " + e.getMessage(), e);
            }
        }
        throw new CliFailure("no database: set DATABASE_URL (or --database-url), or start `flux serve`"
                + " (no " + file.toAbsolutePath().normalize() + ")");
    }

    /** A non-pooled DataSource for the resolved address, checked to be reachable. */
    public DataSource dataSource() {
        DatabaseUrl url = resolve();
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(url.jdbcUrl());
        if (url.user() != null) {
            ds.setUser(url.user());
        }
        if (url.password() != null) {
            ds.setPassword(url.password());
        }
        ds.setConnectTimeout(5);
        ds.setApplicationName("flux-cli");
        try (Connection ignored = ds.getConnection()) {
            return ds;
        } catch (SQLException e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName()
                    : e.getMessage().lines().findFirst().orElse("");
            throw new CliFailure("cannot connect to " + url.display() + ": " + reason);
        }
    }

    /** Connections to other databases of the same server, as the same role: for scratch databases. */
    DatabaseConnector connector() {
        DatabaseUrl url = resolve();
        return DatabaseConnector.sameServer(url.jdbcUrl(), url.user(), url.password());
    }

    private static DatabaseUrl parse(String raw, String source) {
        try {
            return DatabaseUrl.parse(raw);
        } catch (IllegalArgumentException e) {
            throw new CliFailure(source + ": " + e.getMessage());
        }
    }
}

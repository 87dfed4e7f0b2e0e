package flux.app.cli;

import flux.migrate.MigrationFile;
import flux.migrate.MigrationFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** The {@code --dir} option of the migration commands. */
public final class MigrationDirectory {
    @Option(names = "--dir", paramLabel = "DIR", defaultValue = "schema",
            description = "Directory of migration files (default ${DEFAULT-VALUE}).")
    Path dir;

    List<MigrationFile> files() {
        if (!Files.isDirectory(dir)) {
            throw new CliFailure("no migrations directory " + dir.toAbsolutePath().normalize() + " (choose one with --dir)");
        }
        return MigrationFiles.directory(dir, null);
    }
}

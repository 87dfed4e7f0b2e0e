package flux.app.cli;

import flux.migrate.MigrationFile;
import java.util.List;
import picocli.CommandLine.Mixin;

/**
 * The options every {@code flux db} command on migration files shares: the database
 * ({@link DatabaseOptions}) and the migrations directory ({@link MigrationDirectory}). One mixin,
 * so that the commands do not repeat the blocks; {@link MigratingTarget} adds the limits of the
 * commands that migrate.
 */
public class MigrationTarget {
    @Mixin
    DatabaseOptions database;

    @Mixin
    MigrationDirectory directory;

    /** The directory's migration files; a {@link CliFailure} when there is no directory. */
    List<MigrationFile> files() {
        return directory.files();
    }
}

package flux.app.cli;

import picocli.CommandLine.Mixin;

/**
 * {@link MigrationTarget} with the limits of a migrating session ({@link MigrationOptions}): the
 * options of the commands that run or record migrations ({@code db migrate}, {@code rollback},
 * {@code import}, {@code repair}, {@code baseline}).
 */
public final class MigratingTarget extends MigrationTarget {
    @Mixin
    MigrationOptions limits;

    /** The migrator of the database, or of a schema tenant's schema ({@link MigrationRun#target}). */
    MigrationRun.Target where(String tenant) {
        return MigrationRun.target(database, limits, tenant);
    }
}

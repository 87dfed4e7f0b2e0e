package flux.migrate;

import java.nio.file.Path;

/**
 * One SQL file to apply and how.
 *
 * @param path     where it was read
 * @param mode     raw, versioned or repeatable
 * @param version  its version for the versioned ledger (also the order of raw files)
 * @param sql      its text as read
 * @param checksum {@link Checksum#of} the text
 * @param down     the golang-migrate {@code .down.sql} partner of a versioned file, or null
 */
public record MigrationFile(Path path, MigrationMode mode, Version version, String sql, String checksum,
                            Path down) {

    /** The file name, which is also the key of a repeatable script in its ledger. */
    public String name() {
        return path.getFileName().toString();
    }

    /** Splits and checks the SQL; throws {@link InvalidMigration} for what Flux cannot run. */
    public SqlScript script() {
        return SqlScript.parse(name(), sql);
    }
}

package flux.migrate;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * {@code flux db repair VERSION} (golang-migrate's {@code force}): clears a dirty version once
 * an operator has fixed the database by hand. Either the version counts as applied (its row
 * turns successful, with the checksum of the file at hand, which may have been fixed too), or,
 * with {@code rerun}, the row goes and the next migrate runs the file again. Only dirty rows are
 * touched: the ledger of applied migrations is not for editing.
 */
final class Repair {
    private Repair() {
    }

    /** @return the dirty row as it was */
    static AppliedMigration run(Connection c, Ledger ledger, List<MigrationFile> files, Version version, boolean rerun)
            throws SQLException {
        AppliedMigration row = ledger.migrations(c).stream().filter(a -> a.version().equals(version)).findFirst()
                .orElseThrow(() -> new InvalidMigration("version " + version + " is not in the ledger; nothing to"
                        + " repair (`flux db history` lists the recorded ones)"));
        if (!row.dirty()) {
            throw new InvalidMigration("version " + version + " (" + row.name() + ") is applied, not dirty; nothing to"
                    + " repair (an edited file is accepted with `flux db migrate --accept-checksum " + version + "`)");
        }
        if (rerun) {
            ledger.deleteMigration(c, version);
            return row;
        }
        String checksum = files.stream().filter(f -> f.mode() == MigrationMode.VERSIONED && f.version().equals(version))
                .map(MigrationFile::checksum).findFirst().orElse(row.checksum());
        ledger.markApplied(c, version, checksum, "repaired by hand after it " + row.note());
        return row;
    }
}

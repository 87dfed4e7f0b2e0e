package flux.migrate;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code flux db baseline VERSION} (Flyway's baseline, Alembic's stamp): adopts a database that
 * already has its schema by recording every versioned file up to {@code VERSION} as applied,
 * without running it. Checksums come from the files at hand; rows already recorded stay as they
 * are. Runs in the caller's transaction.
 */
final class Baseline {
    private Baseline() {
    }

    /** @return the files recorded, in version order */
    static List<MigrationFile> run(Connection c, Ledger ledger, List<MigrationFile> files, Version upTo, String note)
            throws SQLException {
        List<AppliedMigration> applied = ledger.migrations(c);
        Planner.refuseDirty(applied);
        Set<Version> recorded = applied.stream().map(AppliedMigration::version).collect(Collectors.toSet());
        List<MigrationFile> upToVersion = files.stream()
                .filter(f -> f.mode() == MigrationMode.VERSIONED && f.version().compareTo(upTo) <= 0).toList();
        if (upToVersion.isEmpty()) {
            throw new InvalidMigration("no migration file has a version up to " + upTo + "; nothing to baseline"
                    + " (`flux migrations list` shows the files)");
        }
        List<MigrationFile> added = new ArrayList<>();
        for (MigrationFile f : upToVersion) {
            if (recorded.add(f.version())) {
                record(c, ledger, f, note);
                added.add(f);
            }
        }
        return added;
    }

    /**
     * A row for a file that did not run here. {@code transactional} says how it would run; a
     * file Flux could not run (COPY FROM STDIN) is still recorded: it ran elsewhere.
     */
    static void record(Connection c, Ledger ledger, MigrationFile f, String note) throws SQLException {
        boolean transactional;
        try {
            transactional = f.script().transactional();
        } catch (InvalidMigration e) {
            transactional = true;
        }
        ledger.recordMigration(c, f, 0, transactional, note);
    }
}

package flux.migrate;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One line of {@code flux migrations list}: a file, or a ledger row whose file is gone.
 *
 * @param name      file name (or the applied name, for a missing file)
 * @param mode      how the file applies
 * @param version   versioned files' version, else null
 * @param state     where it stands against the ledger
 * @param appliedAt when it was (last) applied, or null
 */
public record MigrationStatus(String name, MigrationMode mode, Version version, State state, OffsetDateTime appliedAt) {

    public enum State {
        APPLIED, PENDING, EDITED_AFTER_APPLY, FILE_MISSING,
        /** failed part-way outside a transaction; blocks every run until repaired */
        DIRTY,
        /** repeatable, ran with this text */
        UP_TO_DATE,
        /** repeatable, changed since its last run */
        CHANGED,
        /** raw: never recorded */
        UNTRACKED;

        public String label() {
            return name().toLowerCase().replace('_', ' ');
        }
    }

    static List<MigrationStatus> of(List<MigrationFile> files, List<AppliedMigration> applied,
                                    Map<String, AppliedScript> scripts) {
        Map<Version, AppliedMigration> byVersion = new HashMap<>();
        applied.forEach(a -> byVersion.put(a.version(), a));
        Set<Version> seen = new HashSet<>();
        List<MigrationStatus> lines = new ArrayList<>();
        for (MigrationFile f : files) {
            switch (f.mode()) {
                case VERSIONED -> {
                    seen.add(f.version());
                    AppliedMigration a = byVersion.get(f.version());
                    State state = a == null ? State.PENDING : a.dirty() ? State.DIRTY
                            : a.checksum().equals(f.checksum()) ? State.APPLIED : State.EDITED_AFTER_APPLY;
                    lines.add(new MigrationStatus(f.name(), f.mode(), f.version(), state, a == null ? null : a.appliedAt()));
                }
                case REPEATABLE -> {
                    AppliedScript s = scripts.get(f.name());
                    State state = s == null ? State.PENDING
                            : s.checksum().equals(f.checksum()) ? State.UP_TO_DATE : State.CHANGED;
                    lines.add(new MigrationStatus(f.name(), f.mode(), null, state, s == null ? null : s.appliedAt()));
                }
                case RAW -> lines.add(new MigrationStatus(f.name(), f.mode(), f.version(), State.UNTRACKED, null));
            }
        }
        for (AppliedMigration a : applied) {
            if (!seen.contains(a.version())) {
                lines.add(new MigrationStatus(a.name(), MigrationMode.VERSIONED, a.version(),
                        a.dirty() ? State.DIRTY : State.FILE_MISSING, a.appliedAt()));
            }
        }
        return lines;
    }
}

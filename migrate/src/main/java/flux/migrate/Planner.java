package flux.migrate;

import flux.migrate.MigrationPlan.Action;
import flux.migrate.MigrationPlan.Step;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Compares files with the ledger: what to run, and whether anything applied was edited. */
final class Planner {
    private Planner() {
    }

    /**
     * Pending versioned files (in version order: a file older than the newest applied one still
     * runs, marked out of order, rather than being skipped for ever), raw files, and repeatable
     * scripts that are new, changed or forced.
     *
     * @throws ChecksumConflict for the first applied versioned file whose text changed
     * @throws InvalidMigration for a file Flux cannot run
     * @throws DirtyMigration   when a version is dirty
     */
    static MigrationPlan forward(List<MigrationFile> files, List<AppliedMigration> applied,
                                 Map<String, AppliedScript> scripts, boolean force) {
        refuseDirty(applied);
        Map<Version, AppliedMigration> byVersion = new HashMap<>();
        applied.forEach(a -> byVersion.put(a.version(), a));
        Version newest = applied.stream().map(AppliedMigration::version).max(Comparator.naturalOrder()).orElse(null);
        List<Step> steps = new ArrayList<>();
        for (MigrationFile f : files) {
            switch (f.mode()) {
                case VERSIONED -> {
                    AppliedMigration done = byVersion.get(f.version());
                    if (done != null) {
                        if (!done.checksum().equals(f.checksum())) {
                            throw new ChecksumConflict(f.name(), done.name(), f.version().text(), done.checksum(), f.checksum());
                        }
                        continue;
                    }
                    String note = newest != null && f.version().compareTo(newest) < 0
                            ? "out of order: version " + newest + " is already applied" : null;
                    steps.add(new Step(f, Action.APPLY, f.name(), f.script(), note));
                }
                case REPEATABLE -> {
                    AppliedScript last = scripts.get(f.name());
                    if (last == null) {
                        steps.add(new Step(f, Action.APPLY, f.name(), f.script(), "first run"));
                    } else if (!last.checksum().equals(f.checksum())) {
                        steps.add(new Step(f, Action.RERUN, f.name(), f.script(), "changed since its last run"));
                    } else if (force) {
                        steps.add(new Step(f, Action.RERUN, f.name(), f.script(), "unchanged, forced"));
                    }
                }
                case RAW -> steps.add(new Step(f, Action.APPLY, f.name(), f.script(), "raw: not recorded"));
            }
        }
        return new MigrationPlan(steps);
    }

    /**
     * Undoes applied migrations newest-applied first: the last one, or every one applied after
     * {@code to} ("0" undoes all). Every one needs its file and down file.
     */
    static MigrationPlan rollback(List<MigrationFile> files, List<AppliedMigration> applied, Version to) {
        refuseDirty(applied);
        List<AppliedMigration> undo = new ArrayList<>();
        if (to == null) {
            if (!applied.isEmpty()) {
                undo.add(applied.get(applied.size() - 1));
            }
        } else {
            int keep = -1;
            for (int i = 0; i < applied.size(); i++) {
                if (applied.get(i).version().equals(to)) {
                    keep = i;
                }
            }
            if (keep < 0 && !to.text().equals("0")) {
                throw new InvalidMigration("version " + to + " is not applied; `flux db history` lists the applied ones"
                        + " (--to 0 undoes all)");
            }
            undo.addAll(applied.subList(keep + 1, applied.size()));
        }
        Map<Version, MigrationFile> byVersion = new HashMap<>();
        files.stream().filter(f -> f.mode() == MigrationMode.VERSIONED).forEach(f -> byVersion.put(f.version(), f));
        List<Step> steps = new ArrayList<>();
        for (int i = undo.size() - 1; i >= 0; i--) {
            AppliedMigration a = undo.get(i);
            MigrationFile up = byVersion.get(a.version());
            if (up == null) {
                throw new InvalidMigration("cannot roll back " + a.name() + ": the file is not in the migrations"
                        + " directory; nothing was rolled back");
            }
            if (up.down() == null) {
                throw new InvalidMigration("cannot roll back " + up.name() + ": it has no down file ("
                        + downName(up) + "); nothing was rolled back");
            }
            String downName = up.down().getFileName().toString();
            SqlScript script = SqlScript.parse(downName, MigrationFiles.readText(up.down()));
            steps.add(new Step(up, Action.UNDO, downName, script, null));
        }
        return new MigrationPlan(steps);
    }

    /** A dirty version stops every run, forward or back, until it is repaired. */
    static void refuseDirty(List<AppliedMigration> applied) {
        for (AppliedMigration a : applied) {
            if (a.dirty()) {
                throw new DirtyMigration(a);
            }
        }
    }

    private static String downName(MigrationFile up) {
        String n = up.name();
        String stem = n.endsWith(".up.sql") ? n.substring(0, n.length() - 7) : n.substring(0, n.length() - 4);
        return stem + ".down.sql";
    }
}

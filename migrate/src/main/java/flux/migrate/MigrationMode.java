package flux.migrate;

import java.util.Locale;

/**
 * How a file is applied. {@code RAW}: run, nothing recorded. {@code VERSIONED}: run once,
 * recorded in {@code flux.flux_migrations}; an edit afterwards is a conflict.
 * {@code REPEATABLE}: recorded in {@code flux.flux_repeatable_scripts}; run again whenever
 * its checksum changes (or when forced).
 */
public enum MigrationMode {
    RAW, VERSIONED, REPEATABLE;

    public static MigrationMode parse(String s) {
        try {
            return valueOf(s.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidMigration("unknown mode \"" + s + "\" (expected raw, versioned or repeatable)");
        }
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}

package flux.migrate;

import java.util.Locale;

/** Another tool's ledger that {@code flux db import --from} reads, and where that tool keeps it by default. */
public enum ForeignLedger {
    /** {@code schema_migrations(version bigint, dirty boolean)}: one row, the version the database is at. */
    GOLANG_MIGRATE("golang-migrate", "schema_migrations"),
    /** {@code flyway_schema_history}: one row per migration run, baseline and repeatable script. */
    FLYWAY("flyway", "flyway_schema_history");

    private final String label;
    private final String defaultTable;

    ForeignLedger(String label, String defaultTable) {
        this.label = label;
        this.defaultTable = defaultTable;
    }

    public String label() {
        return label;
    }

    public String defaultTable() {
        return defaultTable;
    }

    public static ForeignLedger parse(String s) {
        for (ForeignLedger l : values()) {
            if (l.label.equals(s.strip().toLowerCase(Locale.ROOT))) {
                return l;
            }
        }
        throw new InvalidMigration("unknown tool \"" + s + "\" to import from (expected golang-migrate or flyway)");
    }
}

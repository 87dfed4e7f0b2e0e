package flux.migrate;

import java.util.Locale;

/** What lint flags, by what it risks. Every finding is a warning; {@code --strict} fails on any. */
public enum LintRule {
    DROPS_TABLE("destructive"),
    DROPS_COLUMN("destructive"),
    NARROWS_TYPE("destructive"),
    RENAMES("breaks queries"),
    COLUMN_IN_USE("breaks queries"),
    INDEX_WITHOUT_CONCURRENTLY("long lock"),
    SET_NOT_NULL_SCAN("long lock"),
    VOLATILE_DEFAULT("long lock"),
    REWRITES_TABLE("long lock");

    private final String risk;

    LintRule(String risk) {
        this.risk = risk;
    }

    public String risk() {
        return risk;
    }

    /** {@code drops-table}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}

package flux.log;

/** A record's {@code source}: who found the write (DESIGN.md, "The mutation log"). */
public enum Source {
    /** Written by the engine, in the transaction of the data. */
    API("api"),
    /** Added by capture for a write that bypassed the API (raw SQL), found in the WAL. */
    WAL("wal"),
    /** Written through the SQL console. */
    CONSOLE("console"),
    /** A table's rows, recorded when the table joined. */
    SNAPSHOT("snapshot");

    private final String stored;

    Source(String stored) {
        this.stored = stored;
    }

    /** The value as the log stores it (and history's JSON shows it). */
    public String stored() {
        return stored;
    }

    public static Source of(String stored) {
        for (Source s : values()) {
            if (s.stored.equals(stored)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown mutation source \"" + stored + "\"");
    }
}

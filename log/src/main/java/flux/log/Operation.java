package flux.log;

/**
 * A record's {@code operation}: what the write did to the row. Stored as the constant's name.
 * {@code TRUNCATE} is table-level: it emptied the table, so it ends every row it found.
 */
public enum Operation {
    INSERT, UPDATE, DELETE, TRUNCATE;

    /** The operation stored as {@code text}; unknown text is a broken log, not input. */
    public static Operation of(String stored) {
        return valueOf(stored);
    }
}

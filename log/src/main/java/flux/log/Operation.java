package flux.log;

/** A record's {@code operation}: what the write did to the row. Stored as the constant's name. */
public enum Operation {
    INSERT, UPDATE, DELETE;

    /** The operation stored as {@code text}; unknown text is a broken log, not input. */
    public static Operation of(String stored) {
        return valueOf(stored);
    }
}

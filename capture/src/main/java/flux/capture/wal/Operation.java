package flux.capture.wal;

/**
 * The operation of a change, named as in {@code flux.state_mutations.operation}; {@code TRUNCATE}
 * is a table's, not a row's.
 */
public enum Operation {
    INSERT, UPDATE, DELETE, TRUNCATE;

    /** Whether Debezium's envelope {@code op} is a change of a table's rows (not a logical message). */
    static boolean isChange(String op) {
        return "c".equals(op) || "u".equals(op) || "d".equals(op) || "r".equals(op) || "t".equals(op);
    }

    /**
     * Debezium's envelope {@code op}: c, u, d, t (r = snapshot read, never produced with
     * snapshot.mode=no_data).
     */
    static Operation fromDebezium(String op) {
        switch (op) {
            case "c":
            case "r":
                return INSERT;
            case "u":
                return UPDATE;
            case "d":
                return DELETE;
            case "t":
                return TRUNCATE;
            default:
                throw new IllegalArgumentException("unexpected Debezium op " + op);
        }
    }
}

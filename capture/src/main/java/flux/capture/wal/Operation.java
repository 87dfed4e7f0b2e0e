package flux.capture.wal;

/** The row operation of a change, named as in {@code flux.state_mutations.operation}. */
public enum Operation {
    INSERT, UPDATE, DELETE;

    /** Whether Debezium's envelope {@code op} is a row change (not a message or a truncate). */
    static boolean isRowChange(String op) {
        return "c".equals(op) || "u".equals(op) || "d".equals(op) || "r".equals(op);
    }

    /** Debezium's envelope {@code op}: c, u, d (r = snapshot read, never produced with snapshot.mode=no_data). */
    static Operation fromDebezium(String op) {
        switch (op) {
            case "c":
            case "r":
                return INSERT;
            case "u":
                return UPDATE;
            case "d":
                return DELETE;
            default:
                throw new IllegalArgumentException("unexpected Debezium op " + op);
        }
    }
}

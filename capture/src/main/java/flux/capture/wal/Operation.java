package flux.capture.wal;

/** The row operation of a change, named as in {@code flux.state_mutations.operation}. */
public enum Operation {
    INSERT, UPDATE, DELETE;

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

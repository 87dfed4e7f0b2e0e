package flux.log;

/**
 * A record's {@code status}: {@code committed} records are written in the transaction of the
 * data; {@code rolled_back} records afterwards, by the engine that saw the transaction fail.
 */
public enum Status {
    COMMITTED("committed"), ROLLED_BACK("rolled_back");

    private final String stored;

    Status(String stored) {
        this.stored = stored;
    }

    /** The value as the log stores it (and history's JSON shows it). */
    public String stored() {
        return stored;
    }

    public static Status of(String stored) {
        for (Status s : values()) {
            if (s.stored.equals(stored)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown mutation status \"" + stored + "\"");
    }
}

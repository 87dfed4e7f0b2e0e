package flux.query.model;

import flux.query.InvalidQuery;
import java.util.Locale;

/** What a query does. The JSON names are the lower-case constant names. */
public enum Operation {
    SELECT, INSERT, UPDATE, DELETE;

    /** Computed once: the name is asked for on every statement (traces, errors, parsing). */
    private final String jsonName = name().toLowerCase(Locale.ROOT);

    public boolean isWrite() {
        return this != SELECT;
    }

    public String jsonName() {
        return jsonName;
    }

    public static Operation parse(String name) {
        for (Operation o : values()) {
            if (o.jsonName().equals(name)) {
                return o;
            }
        }
        throw new InvalidQuery(InvalidQuery.Reason.UNKNOWN_OPERATION, "unknown operation \"" + Names.shorten(name)
                + "\" (expected select, insert, update or delete)");
    }
}

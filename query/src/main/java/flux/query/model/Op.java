package flux.query.model;

import flux.query.InvalidQuery;
import java.util.Locale;

/** A filter operator. {@code IS_NULL} and {@code NOT_NULL} take no value; {@code IN} takes an array. */
public enum Op {
    EQ, NEQ, GT, LT, GTE, LTE, LIKE, ILIKE, IN, IS_NULL, NOT_NULL;

    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean takesValue() {
        return this != IS_NULL && this != NOT_NULL;
    }

    public static Op parse(String name) {
        for (Op o : values()) {
            if (o.jsonName().equals(name)) {
                return o;
            }
        }
        throw new InvalidQuery(InvalidQuery.Reason.UNKNOWN_OPERATOR, "unknown filter operator \"" + Names.shorten(name)
                + "\" (expected eq, neq, gt, lt, gte, lte, like, ilike, in, is_null or not_null)");
    }
}

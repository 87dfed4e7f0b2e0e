package flux.query.catalog;

/**
 * What PostgreSQL's {@code =} on a column's type means next to the column's JSON image, which
 * is what the mutation log records. Decided from the catalog (base type, collation), so the
 * write statement can compare old and new values in their own type, which is much cheaper
 * than comparing JSON images, wherever that gives the same answer.
 */
public enum ColumnEquality {
    /**
     * Equal values have exactly one text form, and {@code =} agrees with the JSON image:
     * integers, booleans, uuid, dates and timestamps, bytea, enums, text under a deterministic
     * collation. A key of such columns can be named by its text before the row is read.
     */
    CANONICAL,
    /** {@code =} agrees with the JSON image, but equal values may print differently (1.5 and 1.50). */
    TYPED,
    /**
     * Only the JSON images say whether the value changed: json (no {@code =}), arrays, types of
     * extensions (citext's {@code =} ignores case), nondeterministic collations, anything else.
     */
    IMAGE
}

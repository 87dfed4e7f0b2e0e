package flux.query;

/** A table or column that the catalog does not know (or that the API does not expose). */
public final class UnknownName extends QueryException {
    /** What kind of name was unknown. */
    public enum Kind { TABLE, COLUMN }

    private final Kind kind;

    public UnknownName(Kind kind, String message) {
        // The standard codes PostgreSQL itself would use for these names.
        super(message, kind == Kind.TABLE ? "42P01" : "42703", null);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}

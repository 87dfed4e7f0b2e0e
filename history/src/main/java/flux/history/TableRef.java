package flux.history;

/**
 * A table named by a user: {@code users} (schema {@code public}) or {@code schema.table}.
 * Names are matched exactly against pg_catalog (no case folding, no quoting).
 */
public record TableRef(String schema, String name) {
    public static final String DEFAULT_SCHEMA = "public";

    public static TableRef parse(String text) {
        if (text == null || text.isBlank()) {
            throw new HistoryException.InvalidArgument("a table name is required");
        }
        String t = PgText.storable("table name", text).strip();
        int dot = t.indexOf('.');
        if (dot < 0) {
            return new TableRef(DEFAULT_SCHEMA, t);
        }
        if (dot == 0 || dot == t.length() - 1 || t.indexOf('.', dot + 1) >= 0) {
            throw new HistoryException.InvalidArgument("invalid table name \"" + t + "\" (expected table or schema.table)");
        }
        return new TableRef(t.substring(0, dot), t.substring(dot + 1));
    }

    /** {@code users} for the public schema, {@code schema.table} otherwise. */
    public String display() {
        return DEFAULT_SCHEMA.equals(schema) ? name : schema + "." + name;
    }
}

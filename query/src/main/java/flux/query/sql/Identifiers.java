package flux.query.sql;

/**
 * Quoting of identifiers that come from the catalog. Input names never reach this class
 * unchecked: the compiler looks every name up in the catalog first and quotes the catalog's
 * spelling, so quoting here is about names that need it ({@code "Order"}, {@code "a b"}),
 * not about defence.
 */
public final class Identifiers {
    private Identifiers() {
    }

    public static String quote(String identifier) {
        if (identifier.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("identifier contains NUL");
        }
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    public static String qualified(String schema, String name) {
        return quote(schema) + "." + quote(name);
    }
}

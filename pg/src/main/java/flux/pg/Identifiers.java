package flux.pg;

/**
 * Quoting of SQL identifiers, the one place Flux does it. Callers pass names that come from
 * PostgreSQL itself (the engine's catalog, pg_catalog, the WAL's relation messages) or that Flux
 * made and validated (tenant schemas and roles): quoting here is about names that need it
 * ({@code "Order"}, {@code "a b"}), not a defence against input, which never reaches SQL as a
 * name unchecked.
 */
public final class Identifiers {
    private Identifiers() {
    }

    /** {@code "name"}, with embedded double quotes doubled. */
    public static String quote(String identifier) {
        if (identifier.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("identifier contains NUL");
        }
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    /** {@code "schema"."name"}. */
    public static String qualified(String schema, String name) {
        return quote(schema) + "." + quote(name);
    }
}

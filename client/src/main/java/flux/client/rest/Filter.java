package flux.client.rest;

/** A WHERE condition of a query: {@code {column, op, value}} (docs/query-api.md, "Filter operators"). */
public record Filter(String column, String op, Object value) {
    public static Filter eq(String column, Object value) {
        return new Filter(column, "eq", value);
    }

    public static Filter of(String column, String op, Object value) {
        return new Filter(column, op, value);
    }
}

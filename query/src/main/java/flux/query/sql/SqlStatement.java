package flux.query.sql;

import java.util.List;

/**
 * SQL text with {@code ?} placeholders and the values to bind, in order. A parameter is a
 * {@code String} (bound as text and cast by the SQL around it), a {@code String[]} (bound as
 * {@code text[]}), a {@code Long}, or null.
 */
public record SqlStatement(String text, List<Object> params) {
    public SqlStatement {
        params = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(params));
    }
}

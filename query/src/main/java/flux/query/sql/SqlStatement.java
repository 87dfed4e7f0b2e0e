package flux.query.sql;

import java.util.List;

/**
 * SQL text with {@code ?} placeholders and the values to bind, in order. A parameter is a
 * {@code String} (bound as text and cast by the SQL around it), a {@code String[]} (bound as
 * {@code text[]}), a {@code Long}, or null. {@code leadingStatements}: how many statements
 * (without results to read) the text runs before the one whose rows are the answer, such as
 * the table lock of a write of many rows.
 */
public record SqlStatement(String text, List<Object> params, int leadingStatements) {
    public SqlStatement {
        params = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(params));
    }

    public SqlStatement(String text, List<Object> params) {
        this(text, params, 0);
    }
}

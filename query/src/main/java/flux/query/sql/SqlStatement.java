package flux.query.sql;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * SQL text with {@code ?} placeholders and the values to bind, in order. A parameter is a
 * {@code String} (bound as text and cast by the SQL around it), a {@code String[]} (bound as
 * {@code text[]}), a {@code Long}, or null. {@code leadingStatements}: how many statements
 * (without results to read) the text runs before the one whose rows are the answer, such as
 * the table lock of a write of many rows. Immutable.
 *
 * <p>Statements of one cached shape ({@link StatementCache}) share their text, and the texts
 * with a prefix ({@link #prefixedText}): the same {@code String} instance each time, so pgjdbc,
 * which looks its prepared statements up by their text, finds the hash already computed and
 * compares by reference.
 */
public final class SqlStatement {
    private final String text;
    private final List<Object> params;
    private final int leadingStatements;
    /** Prefix to prefixed text, shared by the statements of one cached shape; null for others. */
    private final Map<String, String> prefixed;

    public SqlStatement(String text, List<Object> params, int leadingStatements) {
        this(text, Collections.unmodifiableList(new ArrayList<>(params)), leadingStatements, null);
    }

    public SqlStatement(String text, List<Object> params) {
        this(text, params, 0);
    }

    /** {@code params} is taken as it is (not copied): the caller hands it over. */
    SqlStatement(String text, List<Object> params, int leadingStatements, Map<String, String> prefixed) {
        this.text = text;
        this.params = params;
        this.leadingStatements = leadingStatements;
        this.prefixed = prefixed;
    }

    public String text() {
        return text;
    }

    public List<Object> params() {
        return params;
    }

    public int leadingStatements() {
        return leadingStatements;
    }

    /**
     * {@code prefix} (statements sent ahead in the same round trip, such as the request tag)
     * followed by the text. The prefixes are a few constants, so a cached shape keeps one copy
     * of each.
     */
    public String prefixedText(String prefix) {
        if (prefix.isEmpty()) {
            return text;
        }
        return prefixed == null ? prefix + text : prefixed.computeIfAbsent(prefix, p -> p + text);
    }

    @Override
    public String toString() {
        return text + " " + params;
    }
}

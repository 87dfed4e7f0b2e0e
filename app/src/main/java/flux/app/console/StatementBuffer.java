package flux.app.console;

import flux.migrate.SqlSplitter;

/**
 * The lines typed at the console's prompt until they make whole statements: complete when the
 * text ends with a semicolon outside strings, quoted names, dollar quotes and comments (the same
 * reading as the server's, {@link SqlSplitter}), as psql decides.
 */
final class StatementBuffer {
    private final StringBuilder text = new StringBuilder();

    boolean isEmpty() {
        return text.toString().isBlank();
    }

    /** Adds a line; returns the whole text when it is complete (and starts over), else null. */
    String add(String line) {
        text.append(line).append('\n');
        String sql = text.toString();
        if (sql.isBlank() || !endsStatement(sql)) {
            return null;
        }
        text.setLength(0);
        return sql;
    }

    /** Whether the text ends with a top-level semicolon: adding a statement after it starts a new one. */
    private static boolean endsStatement(String sql) {
        String trimmed = sql.stripTrailing();
        if (!trimmed.endsWith(";")) {
            return false;
        }
        int before = SqlSplitter.split(trimmed).size();
        return SqlSplitter.split(trimmed + "\nSELECT 1").size() == before + 1;
    }
}

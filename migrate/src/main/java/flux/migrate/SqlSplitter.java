package flux.migrate;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Splits a SQL file into statements at top-level semicolons, the way psql does: semicolons
 * inside 'strings' (E'' escapes included), "quoted identifiers", $tag$ dollar quotes $tag$,
 * -- line comments, nested block comments and SQL-standard function bodies
 * ({@code BEGIN ATOMIC ... END}) do not end a statement. Empty statements (only comments or
 * whitespace) are dropped. No I/O; one instance per text, not thread-safe.
 */
public final class SqlSplitter {
    private final String sql;
    private final List<SqlStatement> statements = new ArrayList<>();
    private int pos;
    private int line = 1;
    // the statement being read
    private int start = -1;
    private int startLine;
    private List<String> words = new ArrayList<>();
    private int atomicDepth;

    private SqlSplitter(String sql) {
        this.sql = sql;
    }

    public static List<SqlStatement> split(String sql) {
        SqlSplitter splitter = new SqlSplitter(sql);
        splitter.run();
        return List.copyOf(splitter.statements);
    }

    private void run() {
        while (pos < sql.length()) {
            char c = sql.charAt(pos);
            char next = pos + 1 < sql.length() ? sql.charAt(pos + 1) : '\0';
            if (c == '-' && next == '-') {
                skipLineComment();
            } else if (c == '/' && next == '*') {
                skipBlockComment();
            } else if (Character.isWhitespace(c)) {
                advance();
            } else if (c == ';' && atomicDepth == 0) {
                finish(pos);
                pos++;
            } else {
                markStart();
                if (c == '\'') {
                    skipString(isEscapePrefix());
                } else if (c == '"') {
                    skipQuoted('"');
                } else if (c == '$' && dollarTag() != null) {
                    skipDollarQuoted(dollarTag());
                } else if (isIdentStart(c)) {
                    readWord();
                } else {
                    advance();
                }
            }
        }
        finish(sql.length());
    }

    private void markStart() {
        if (start < 0) {
            start = pos;
            startLine = line;
        }
    }

    private void finish(int end) {
        if (start >= 0) {
            statements.add(new SqlStatement(sql.substring(start, end).stripTrailing(), startLine, words));
        }
        start = -1;
        words = new ArrayList<>();
        atomicDepth = 0;
    }

    private void advance() {
        if (sql.charAt(pos) == '\n') {
            line++;
        }
        pos++;
    }

    private void skipLineComment() {
        while (pos < sql.length() && sql.charAt(pos) != '\n') {
            pos++;
        }
    }

    private void skipBlockComment() {
        int depth = 0;
        do {
            if (sql.startsWith("/*", pos)) {
                depth++;
                pos += 2;
            } else if (sql.startsWith("*/", pos)) {
                depth--;
                pos += 2;
            } else {
                advance();
            }
        } while (depth > 0 && pos < sql.length());
    }

    /** An E'' string: the quote is preceded by a lone E (not the end of a longer word). */
    private boolean isEscapePrefix() {
        if (pos < 1 || Character.toUpperCase(sql.charAt(pos - 1)) != 'E') {
            return false;
        }
        return pos < 2 || !isIdentPart(sql.charAt(pos - 2));
    }

    private void skipString(boolean backslashEscapes) {
        advance(); // opening quote
        while (pos < sql.length()) {
            char c = sql.charAt(pos);
            if (backslashEscapes && c == '\\') {
                advance();
                if (pos < sql.length()) {
                    advance();
                }
            } else if (c == '\'') {
                advance();
                if (pos < sql.length() && sql.charAt(pos) == '\'') {
                    advance(); // '' is a quote inside the string
                } else {
                    return;
                }
            } else {
                advance();
            }
        }
    }

    private void skipQuoted(char quote) {
        advance();
        while (pos < sql.length()) {
            char c = sql.charAt(pos);
            advance();
            if (c == quote) {
                if (pos < sql.length() && sql.charAt(pos) == quote) {
                    advance();
                } else {
                    return;
                }
            }
        }
    }

    /** The $tag$ starting at pos, or null: $1 is a parameter and foo$bar an identifier. */
    private String dollarTag() {
        if (pos > 0 && isIdentPart(sql.charAt(pos - 1))) {
            return null;
        }
        int i = pos + 1;
        if (i < sql.length() && sql.charAt(i) != '$' && !isIdentStart(sql.charAt(i))) {
            return null;
        }
        while (i < sql.length() && sql.charAt(i) != '$') {
            if (!isIdentPart(sql.charAt(i))) {
                return null;
            }
            i++;
        }
        return i < sql.length() ? sql.substring(pos, i + 1) : null;
    }

    private void skipDollarQuoted(String tag) {
        int end = sql.indexOf(tag, pos + tag.length());
        int stop = end < 0 ? sql.length() : end + tag.length();
        while (pos < stop) {
            advance();
        }
    }

    private void readWord() {
        int from = pos;
        while (pos < sql.length() && isIdentPart(sql.charAt(pos))) {
            pos++;
        }
        String word = sql.substring(from, pos).toUpperCase(Locale.ROOT);
        words.add(word);
        trackAtomicBody(word);
    }

    /**
     * CREATE FUNCTION/PROCEDURE ... BEGIN ATOMIC stmt; stmt; END holds semicolons; like psql,
     * count BEGIN and CASE against END inside such a statement.
     */
    private void trackAtomicBody(String word) {
        if (!isRoutineDefinition()) {
            return;
        }
        if (word.equals("BEGIN") || word.equals("CASE")) {
            atomicDepth++;
        } else if (word.equals("END") && atomicDepth > 0) {
            atomicDepth--;
        }
    }

    private boolean isRoutineDefinition() {
        if (words.isEmpty() || !words.get(0).equals("CREATE")) {
            return false;
        }
        int i = words.size() > 2 && words.get(1).equals("OR") && words.get(2).equals("REPLACE") ? 3 : 1;
        return words.size() > i && (words.get(i).equals("FUNCTION") || words.get(i).equals("PROCEDURE"));
    }

    private static boolean isIdentStart(char c) {
        return Character.isLetter(c) || c == '_';
    }

    private static boolean isIdentPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }
}

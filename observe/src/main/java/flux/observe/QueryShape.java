package flux.observe;

import java.util.regex.Pattern;

/**
 * A statement with its values taken out: the same query run with different values has one
 * shape. Whitespace runs become one space, string and number literals and placeholders
 * ({@code ?}, {@code $n}) become {@code ?}, and a list of placeholders {@code (?, ?, ?)}
 * becomes {@code (?...)} so an IN list's length does not make a new shape. Quoted
 * identifiers are kept as written.
 *
 * @param id   16 hex digits (FNV-1a 64 of the text), stable across processes
 * @param text the normalized statement
 */
public record QueryShape(String id, String text) {
    private static final Pattern PLACEHOLDER_LIST = Pattern.compile("\\(\\?(?: ?, ?\\?)+\\)");

    public static QueryShape of(String sql) {
        String text = normalize(sql == null ? "" : sql);
        return new QueryShape(hex(fnv1a64(text)), text);
    }

    static String normalize(String sql) {
        StringBuilder out = new StringBuilder(sql.length());
        int n = sql.length();
        boolean space = false;
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c)) {
                space = out.length() > 0;
                i++;
                continue;
            }
            if (space) {
                out.append(' ');
                space = false;
            }
            if (c == '"') {
                int end = closing(sql, i, '"');
                out.append(sql, i, end);
                i = end;
            } else if (c == '\'') {
                i = closing(sql, i, '\'');
                out.append('?');
            } else if (c == '$' && i + 1 < n && Character.isDigit(sql.charAt(i + 1))) {
                i = skipDigits(sql, i + 1);
                out.append('?');
            } else if (Character.isDigit(c) && !afterIdentifier(out)) {
                i = skipDigits(sql, i);
                if (i + 1 < n && sql.charAt(i) == '.' && Character.isDigit(sql.charAt(i + 1))) {
                    i = skipDigits(sql, i + 1);
                }
                out.append('?');
            } else {
                out.append(c);
                i++;
            }
        }
        String text = out.toString();
        return text.indexOf("(?") >= 0 ? PLACEHOLDER_LIST.matcher(text).replaceAll("(?...)") : text;
    }

    /** The index after the quote that closes the one at {@code start}; a doubled quote is an escape. */
    private static int closing(String sql, int start, char quote) {
        int i = start + 1;
        while (i < sql.length()) {
            if (sql.charAt(i) == quote) {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        return sql.length();
    }

    private static int skipDigits(String sql, int i) {
        while (i < sql.length() && Character.isDigit(sql.charAt(i))) {
            i++;
        }
        return i;
    }

    /** A digit right after a letter, digit, _ or $ is part of a name ({@code t1}), not a number. */
    private static boolean afterIdentifier(StringBuilder out) {
        if (out.length() == 0) {
            return false;
        }
        char p = out.charAt(out.length() - 1);
        return Character.isLetterOrDigit(p) || p == '_' || p == '$';
    }

    static long fnv1a64(String text) {
        long hash = 0xcbf29ce484222325L;
        for (int i = 0; i < text.length(); i++) {
            hash ^= text.charAt(i);
            hash *= 0x100000001b3L;
        }
        return hash;
    }

    static String hex(long value) {
        String h = Long.toHexString(value);
        return "0".repeat(16 - h.length()) + h;
    }
}

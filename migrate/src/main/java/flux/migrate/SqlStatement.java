package flux.migrate;

import java.util.List;

/**
 * One statement of a migration file, as sent to Postgres.
 *
 * @param text     the statement without its terminating semicolon, starting at its first token
 * @param line     1-based line of the file where the statement starts (for error messages)
 * @param keywords the statement's words outside strings, comments and quoted identifiers,
 *                 upper-cased, in order; used to classify it ({@code CREATE INDEX CONCURRENTLY})
 */
public record SqlStatement(String text, int line, List<String> keywords) {

    public SqlStatement {
        keywords = List.copyOf(keywords);
    }

    /** The first keyword, or "" for a statement that starts with a symbol. */
    public String verb() {
        return keywords.isEmpty() ? "" : keywords.get(0);
    }

    /** Whether {@code words} appear one after the other among the keywords. */
    public boolean hasSequence(String... words) {
        outer:
        for (int i = 0; i + words.length <= keywords.size(); i++) {
            for (int j = 0; j < words.length; j++) {
                if (!keywords.get(i + j).equals(words[j])) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** Whether the keywords start with {@code words}. */
    public boolean startsWith(String... words) {
        if (keywords.size() < words.length) {
            return false;
        }
        for (int i = 0; i < words.length; i++) {
            if (!keywords.get(i).equals(words[i])) {
                return false;
            }
        }
        return true;
    }

    /** The statement's first line, cut at 80 characters: to name it in a message. */
    public String excerpt() {
        String first = text.lines().findFirst().orElse("").strip();
        boolean more = first.length() > 80 || text.contains("\n");
        return (first.length() > 80 ? first.substring(0, 80) : first) + (more ? " ..." : "");
    }

    /** The file line of a 1-based character position inside {@link #text()} (as Postgres reports it). */
    public int lineOf(int position) {
        int line = this.line;
        for (int i = 0; i < Math.min(position - 1, text.length()); i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }
}

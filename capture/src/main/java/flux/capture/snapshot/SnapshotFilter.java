package flux.capture.snapshot;

import flux.pg.DatabaseException;
import flux.pg.Identifiers;
import flux.pg.Transactions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Checks an admin's {@code --where} text before a snapshot is recorded: one boolean expression over
 * the table's columns. It is SQL from a trusted caller (an admin key), not a value, so it cannot be
 * bound; what keeps it to an expression: no {@code ;} (one statement), no comment or dollar quote, and
 * parentheses that balance outside literals (so it cannot close the parentheses it is put in and
 * change the meaning of the chunk query around it); then PostgreSQL parses and plans it
 * inside {@code EXPLAIN SELECT 1 FROM t WHERE (...)} (not run) in a read-only transaction that is rolled
 * back, and the snapshot's reads run it in read-only transactions too (a function that writes fails).
 * The expression runs with capture's database role.
 */
final class SnapshotFilter {
    private SnapshotFilter() {
    }

    /** The filter as every query puts it: an operand that must be boolean. */
    static String wrapped(String where) {
        return "((" + where + ") IS TRUE)";
    }

    /** What makes the text more than an expression in parentheses, or null. Literals and quoted names are skipped. */
    static String shapeProblem(String where) {
        int depth = 0;
        for (int i = 0; i < where.length(); i++) {
            char ch = where.charAt(i);
            if (ch == '\'' || ch == '"') {
                int close = where.indexOf(ch, i + 1);
                while (close > 0 && close + 1 < where.length() && where.charAt(close + 1) == ch) {
                    close = where.indexOf(ch, close + 2); // a doubled quote is part of the literal
                }
                if (close < 0) {
                    return "an unterminated " + (ch == '"' ? "quoted name" : "literal");
                }
                i = close;
            } else if (ch == ';') {
                return "';' is not allowed (one expression, not statements)";
            } else if (ch == '$' || where.startsWith("--", i) || where.startsWith("/*", i)) {
                return "comments and dollar quotes are not allowed";
            } else if (ch == '(') {
                depth++;
            } else if (ch == ')' && --depth < 0) {
                return "a ')' without its '('";
            }
        }
        return depth == 0 ? null : "a '(' without its ')'";
    }

    static void check(Connection c, String schema, String table, String where) throws SQLException, SnapshotStore.Refused {
        String problem = shapeProblem(where);
        if (problem != null) {
            throw new SnapshotStore.Refused("the filter must be one SQL boolean expression: " + problem);
        }
        try {
            Transactions.rollBackAfter(c, x -> {
                try (Statement st = x.createStatement()) {
                    st.execute("SET TRANSACTION READ ONLY");
                    st.execute("EXPLAIN SELECT 1 FROM " + Identifiers.qualified(schema, table) + " WHERE " + wrapped(where));
                }
                return null;
            });
        } catch (DatabaseException failure) {
            SQLException e = failure.sqlCause();
            if (e.getSQLState() != null && (e.getSQLState().startsWith("42") || e.getSQLState().startsWith("22")
                    || e.getSQLState().equals("25006"))) {
                throw new SnapshotStore.Refused("the filter is not a boolean expression over " + schema + "." + table
                        + ": " + e.getMessage());
            }
            throw e;
        }
    }
}

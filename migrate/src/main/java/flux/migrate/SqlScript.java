package flux.migrate;

import java.util.List;
import java.util.Optional;

/**
 * A migration file's SQL, split and checked: whether it can run inside a transaction (and if
 * not, which statement prevents it), and that it holds nothing Flux cannot run for it.
 * A file may be wrapped in {@code BEGIN; ... COMMIT;} (some tools' habit): that pair is
 * dropped, since Flux runs every transactional file in a transaction of its own anyway.
 */
public final class SqlScript {
    private final List<SqlStatement> statements;
    private final SqlStatement nonTransactional;

    private SqlScript(List<SqlStatement> statements, SqlStatement nonTransactional) {
        this.statements = statements;
        this.nonTransactional = nonTransactional;
    }

    /** Parses {@code sql}; {@code fileName} is for messages. */
    public static SqlScript parse(String fileName, String sql) {
        List<SqlStatement> all = unwrapTransaction(SqlSplitter.split(sql));
        SqlStatement outside = null;
        for (SqlStatement s : all) {
            refuseUnrunnable(fileName, s);
            if (outside == null && cannotRunInTransaction(s)) {
                outside = s;
            }
        }
        return new SqlScript(all, outside);
    }

    public List<SqlStatement> statements() {
        return statements;
    }

    /** True unless a statement cannot run inside a transaction block. */
    public boolean transactional() {
        return nonTransactional == null;
    }

    /** Why the file runs outside a transaction, e.g. "CREATE INDEX CONCURRENTLY at line 3". */
    public Optional<String> nonTransactionalReason() {
        if (nonTransactional == null) {
            return Optional.empty();
        }
        return Optional.of(describe(nonTransactional) + " at line " + nonTransactional.line());
    }

    /** The statement's leading keywords that make it non-transactional: "CREATE INDEX CONCURRENTLY". */
    private static String describe(SqlStatement s) {
        List<String> k = s.keywords();
        if (s.hasSequence("DETACH", "PARTITION")) {
            return "ALTER TABLE ... DETACH PARTITION CONCURRENTLY";
        }
        int concurrently = k.indexOf("CONCURRENTLY");
        if (concurrently >= 0 && concurrently < 4) {
            return String.join(" ", k.subList(0, concurrently + 1));
        }
        if (s.verb().equals("VACUUM") || s.verb().equals("CLUSTER") || s.verb().equals("REINDEX")) {
            return s.verb();
        }
        return String.join(" ", k.subList(0, Math.min(2, k.size())));
    }

    /** Statements PostgreSQL refuses inside a transaction block. */
    static boolean cannotRunInTransaction(SqlStatement s) {
        return s.startsWith("CREATE", "INDEX", "CONCURRENTLY")
                || s.startsWith("CREATE", "UNIQUE", "INDEX", "CONCURRENTLY")
                || s.startsWith("DROP", "INDEX", "CONCURRENTLY")
                || (s.verb().equals("REINDEX") && (s.keywords().contains("CONCURRENTLY")
                        || s.startsWith("REINDEX", "DATABASE") || s.startsWith("REINDEX", "SYSTEM")))
                || (s.startsWith("ALTER", "TABLE") && s.hasSequence("DETACH", "PARTITION")
                        && s.keywords().contains("CONCURRENTLY"))
                || s.verb().equals("VACUUM")
                || (s.verb().equals("CLUSTER") && s.keywords().size() == 1)
                || s.startsWith("CREATE", "DATABASE") || s.startsWith("DROP", "DATABASE")
                || s.startsWith("CREATE", "TABLESPACE") || s.startsWith("DROP", "TABLESPACE")
                || s.startsWith("ALTER", "SYSTEM")
                || s.startsWith("CREATE", "SUBSCRIPTION") || s.startsWith("DROP", "SUBSCRIPTION");
    }

    private static boolean isTransactionStart(SqlStatement s) {
        return (s.verb().equals("BEGIN") && !s.hasSequence("BEGIN", "ATOMIC"))
                || s.startsWith("START", "TRANSACTION");
    }

    private static boolean isTransactionEnd(SqlStatement s) {
        return (s.verb().equals("COMMIT") && !s.startsWith("COMMIT", "PREPARED")) || s.verb().equals("END");
    }

    private static boolean isTransactionControl(SqlStatement s) {
        return isTransactionStart(s) || isTransactionEnd(s) || s.verb().equals("ABORT")
                || (s.verb().equals("ROLLBACK") && !s.hasSequence("ROLLBACK", "TO"))
                || s.startsWith("PREPARE", "TRANSACTION") || s.startsWith("COMMIT", "PREPARED");
    }

    private static List<SqlStatement> unwrapTransaction(List<SqlStatement> all) {
        if (all.size() >= 2 && isTransactionStart(all.get(0)) && isTransactionEnd(all.get(all.size() - 1))) {
            return all.subList(1, all.size() - 1);
        }
        return all;
    }

    private static void refuseUnrunnable(String fileName, SqlStatement s) {
        if (s.text().startsWith("\\")) {
            throw new InvalidMigration(fileName + " line " + s.line() + ": psql meta-command "
                    + s.text().lines().findFirst().orElse("").strip() + " is not SQL; Flux sends statements to the server itself");
        }
        if (s.verb().equals("COPY") && s.hasSequence("FROM", "STDIN")) {
            throw new InvalidMigration(fileName + " line " + s.line() + ": COPY ... FROM STDIN needs the data inline,"
                    + " which only psql can send; use INSERT statements, or COPY from a server-side file");
        }
        if (isTransactionControl(s)) {
            throw new InvalidMigration(fileName + " line " + s.line() + ": " + s.verb() + " is not allowed in a migration:"
                    + " Flux runs each file in a transaction of its own (a file wrapped in BEGIN; ... COMMIT; is fine)");
        }
    }
}

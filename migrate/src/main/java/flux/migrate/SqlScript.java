package flux.migrate;

import java.util.List;
import java.util.Optional;

/**
 * A migration file's SQL, split and checked: how it must run, and that it holds nothing Flux
 * cannot run for it. Three ways, decided from the top-level statements (never from inside
 * dollar-quoted bodies, DO blocks or {@code BEGIN ATOMIC} functions):
 *
 * <ul>
 *   <li>in a transaction of Flux's own, together with its ledger row: the usual case. A file
 *       wrapped in one {@code BEGIN; ... COMMIT;} (some tools' habit) is this too: the pair is
 *       dropped, since the file runs in a transaction anyway;
 *   <li>managing its own transactions: any other top-level {@code BEGIN}, {@code START
 *       TRANSACTION}, {@code COMMIT}, {@code END}, {@code ROLLBACK} or {@code ABORT}. It runs as
 *       golang-migrate and psql run it: statement by statement in autocommit, its own transaction
 *       control honoured;
 *   <li>outside a transaction, statement by statement: a statement PostgreSQL refuses inside a
 *       transaction block ({@code CREATE INDEX CONCURRENTLY}, ...).
 * </ul>
 */
public final class SqlScript {
    private final List<SqlStatement> statements;
    private final SqlStatement nonTransactional;
    /** The first top-level transaction control statement of a file that manages its own; else null. */
    private final SqlStatement ownTransactions;

    private SqlScript(List<SqlStatement> statements, SqlStatement nonTransactional, SqlStatement ownTransactions) {
        this.statements = statements;
        this.nonTransactional = nonTransactional;
        this.ownTransactions = ownTransactions;
    }

    /** Parses {@code sql}; {@code fileName} is for messages. */
    public static SqlScript parse(String fileName, String sql) {
        List<SqlStatement> all = unwrapTransaction(SqlSplitter.split(sql));
        SqlStatement outside = null;
        SqlStatement control = null;
        SqlStatement open = null;
        for (SqlStatement s : all) {
            refuseUnrunnable(fileName, s);
            if (outside == null && cannotRunInTransaction(s)) {
                outside = s;
            }
            if (isTransactionControl(s)) {
                control = control == null ? s : control;
                open = isTransactionStart(s) ? (open == null ? s : open) : null;
            }
        }
        if (open != null) {
            throw new InvalidMigration(fileName + " line " + open.line() + ": " + open.verb() + " opens a transaction"
                    + " that the file never ends; add COMMIT; after its last statement");
        }
        return new SqlScript(all, outside, control);
    }

    public List<SqlStatement> statements() {
        return statements;
    }

    /** True when the file runs in a transaction of Flux's own, with its ledger row. */
    public boolean transactional() {
        return nonTransactional == null && ownTransactions == null;
    }

    /** True when the file has top-level transaction control of its own (BEGIN ... COMMIT blocks, END, ROLLBACK). */
    public boolean managesOwnTransactions() {
        return ownTransactions != null;
    }

    /**
     * Why the file runs outside a transaction of Flux's: "its own BEGIN at line 3" or
     * "CREATE INDEX CONCURRENTLY at line 3".
     */
    public Optional<String> nonTransactionalReason() {
        if (ownTransactions != null) {
            return Optional.of("its own " + ownTransactions.verb() + " at line " + ownTransactions.line());
        }
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
        return (s.verb().equals("COMMIT") && !isTwoPhase(s)) || s.verb().equals("END");
    }

    /** BEGIN, START TRANSACTION, COMMIT, END, ROLLBACK (not ROLLBACK TO a savepoint), ABORT. */
    private static boolean isTransactionControl(SqlStatement s) {
        return isTransactionStart(s) || isTransactionEnd(s) || s.verb().equals("ABORT")
                || (s.verb().equals("ROLLBACK") && !s.hasSequence("ROLLBACK", "TO") && !isTwoPhase(s));
    }

    private static boolean isTwoPhase(SqlStatement s) {
        return s.startsWith("PREPARE", "TRANSACTION") || s.startsWith("COMMIT", "PREPARED")
                || s.startsWith("ROLLBACK", "PREPARED");
    }

    /** Drops a BEGIN ... COMMIT pair around the whole file, when the file has no other transaction control. */
    private static List<SqlStatement> unwrapTransaction(List<SqlStatement> all) {
        if (all.size() >= 2 && isTransactionStart(all.get(0)) && isTransactionEnd(all.get(all.size() - 1))
                && all.subList(1, all.size() - 1).stream().noneMatch(SqlScript::isTransactionControl)) {
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
        if (isTwoPhase(s)) {
            throw new InvalidMigration(fileName + " line " + s.line() + ": " + String.join(" ", s.keywords().subList(0, 2))
                    + " is not allowed in a migration: a prepared transaction outlives the run and holds its locks"
                    + " until someone commits it");
        }
    }
}

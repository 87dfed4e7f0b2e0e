package flux.console;

import flux.log.ConsoleTransactions;
import flux.log.TxId;
import flux.migrate.SqlSplitter;
import flux.migrate.SqlStatement;
import flux.pg.DatabaseException;
import flux.query.model.RequestId;
import flux.tenancy.TenantExtensions;
import flux.tenancy.TenantSchemas;
import flux.tenancy.TenantScope;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SQL console: runs a caller's statements, audited, as the caller's database role.
 *
 * <p>Contract. {@link #run} splits the text into statements (as psql does) and runs them in order,
 * in one transaction of a session of its own ({@link ConsoleLogins}: a tenant's login role, or the
 * server's login role for a caller without a tenant), stopping at the first that fails; then
 * commits, or rolls back after a failure. The transaction is read-only unless the caller may write,
 * and starts tagged as the engine's do: {@code flux.request_id} (one new id per run),
 * {@code flux.tenant_id} and, for a schema tenant, {@code search_path}. Each statement is limited
 * in time and in the rows it returns ({@link ConsoleLimits}). Transaction control in the text
 * ({@code BEGIN}, {@code COMMIT}, {@code SAVEPOINT}, ...) is refused before anything runs: the
 * run is the transaction.
 *
 * <p>Audit. Every statement is entered in {@code flux.console_audit} before it runs and completed
 * with its duration, rows, error and the transaction's outcome; refused ones are entered as
 * refused. Entries are written on the server's pool, apart from the statements' session.
 *
 * <p>History. A run that wrote is marked through the log's {@link ConsoleTransactions} (its
 * xid8 and request id) before it commits, so capture records its changes with {@code source = 'console'}
 * and this run's request id. Errors: {@link ConsoleRefused}, {@link ConsoleUnavailable}; a
 * statement PostgreSQL rejects is reported in the {@link ConsoleRun}. Thread-safe.
 */
public final class SqlConsole {
    private static final Logger log = LoggerFactory.getLogger(SqlConsole.class);
    /** Statements that would end or nest the run's transaction. */
    private static final Set<String> TRANSACTION_CONTROL = Set.of("BEGIN", "START", "COMMIT", "END", "ROLLBACK",
            "ABORT", "SAVEPOINT", "RELEASE", "PREPARE", "VACUUM");
    private static final String TAG = """
            SELECT set_config('flux.request_id', ?, true), set_config('flux.tenant_id', ?, true),
                   set_config('statement_timeout', ?, true)""";
    /** A schema tenant's schema, then the allowed extensions' (as its own login's search_path). */
    private static final String SEARCH_PATH = "SELECT set_config('search_path', quote_ident(?) || ', ' || quote_ident(?), true)";
    private static final String TXID = "SELECT pg_current_xact_id_if_assigned()::text";

    private final DataSource pool;
    private final ConsoleLogins logins;
    private final ConsoleAudit audit;
    private final ConsoleLimits limits;

    public SqlConsole(DataSource pool, ConsoleLogins logins, ConsoleAudit audit, ConsoleLimits limits) {
        this.pool = pool;
        this.logins = logins;
        this.audit = audit;
        this.limits = limits;
    }

    public ConsoleLimits limits() {
        return limits;
    }

    public ConsoleAudit audit() {
        return audit;
    }

    public ConsoleRun run(ConsoleCaller caller, String sql) {
        if (sql != null && sql.indexOf('\u0000') >= 0) {
            // PostgreSQL's text holds no U+0000: neither the statement nor its audit entry could be
            // stored, so it is refused before either is tried (and, unlike other refusals, not audited).
            throw new ConsoleRefused("the text holds a NUL character (U+0000), which PostgreSQL does not accept");
        }
        int unpaired = sql == null ? -1 : UnicodeText.unpairedSurrogate(sql);
        if (unpaired >= 0) {
            // Not a character: the driver would send '?' in its place and run another text than the
            // one given (a value written with it would be silently changed), so it is refused like NUL.
            throw new ConsoleRefused(String.format("the text holds an unpaired UTF-16 surrogate (\\u%04x at character %d),"
                    + " which is not Unicode text", (int) sql.charAt(unpaired), unpaired + 1));
        }
        List<SqlStatement> statements = SqlSplitter.split(sql == null ? "" : sql);
        if (statements.isEmpty()) {
            throw new ConsoleRefused("nothing to run: the text holds no SQL statement");
        }
        if (statements.size() > limits.maxStatements()) {
            throw new ConsoleRefused("the text holds " + statements.size() + " statements; the console runs at most "
                    + limits.maxStatements() + " at once");
        }
        String requestId = RequestId.generate().value();
        String dbRole = caller.hasTenant() ? ConsoleLogins.roleOf(caller.tenantId(), caller.writes()) : "(login role)";
        try (Connection auditing = pool.getConnection()) {
            refuseTransactionControl(auditing, caller, dbRole, requestId, statements);
            try (Connection session = logins.open(caller)) {
                if (!caller.hasTenant()) {
                    dbRole = currentUser(session);
                }
                return runIn(session, auditing, caller, dbRole, requestId, statements);
            }
        } catch (SQLException | DatabaseException failure) {
            SQLException e = DatabaseException.sqlCauseOf(failure);
            throw new ConsoleUnavailable("cannot open a console session", e);
        }
    }

    private void refuseTransactionControl(Connection auditing, ConsoleCaller caller, String dbRole, String requestId,
                                          List<SqlStatement> statements) throws SQLException {
        for (SqlStatement s : statements) {
            if (TRANSACTION_CONTROL.contains(s.verb()) || s.startsWith("SET", "TRANSACTION")
                    || s.startsWith("SET", "SESSION", "CHARACTERISTICS")) {
                String why = "the console runs each text as one transaction: " + s.verb()
                        + " is not allowed (send the statements without it)";
                audit.enter(auditing, caller, dbRole, requestId, s.text(), why);
                throw new ConsoleRefused(why);
            }
        }
    }

    private ConsoleRun runIn(Connection session, Connection auditing, ConsoleCaller caller, String dbRole,
                             String requestId, List<SqlStatement> statements) throws SQLException {
        session.setAutoCommit(false);
        session.setReadOnly(!caller.writes());
        tag(session, caller, requestId);
        List<StatementResult> results = new ArrayList<>();
        for (SqlStatement s : statements) {
            long auditId = audit.enter(auditing, caller, dbRole, requestId, s.text(), null);
            StatementResult r = execute(session, auditId, s.text());
            results.add(r);
            if (r.failed()) {
                session.rollback();
                audit.complete(auditing, results, ConsoleAudit.OUTCOME_ROLLED_BACK);
                return new ConsoleRun(requestId, dbRole, false, results);
            }
        }
        try {
            mark(session, auditing, caller, requestId);
            session.commit();
        } catch (SQLException | DatabaseException failure) {
            SQLException e = DatabaseException.sqlCauseOf(failure);
            // A deferred constraint or a serialization failure at commit: nothing stays.
            StatementResult last = results.remove(results.size() - 1);
            results.add(new StatementResult(last.auditId(), last.sql(), last.columns(), last.rows(), last.truncated(),
                    last.rowCount(), last.durationMs(), "at commit: " + errorText(e)));
            safeRollback(session);
            audit.complete(auditing, results, ConsoleAudit.OUTCOME_ROLLED_BACK);
            return new ConsoleRun(requestId, dbRole, false, results);
        }
        audit.complete(auditing, results, ConsoleAudit.OUTCOME_COMMITTED);
        return new ConsoleRun(requestId, dbRole, true, results);
    }

    private void tag(Connection session, ConsoleCaller caller, String requestId) throws SQLException {
        try (PreparedStatement ps = session.prepareStatement(TAG)) {
            ps.setString(1, requestId);
            ps.setString(2, caller.tenantId() == null ? "" : caller.tenantId());
            ps.setString(3, limits.statementTimeout().toMillis() + "ms");
            ps.execute();
        }
        if (caller.isolation() == TenantScope.Isolation.SCHEMA) {
            try (PreparedStatement ps = session.prepareStatement(SEARCH_PATH)) {
                ps.setString(1, TenantSchemas.schemaOf(caller.tenantId()));
                ps.setString(2, TenantExtensions.SCHEMA);
                ps.execute();
            }
        }
    }

    /** Runs one statement; a failure is its result, not an exception. */
    private StatementResult execute(Connection session, long auditId, String sql) {
        long start = System.nanoTime();
        try (Statement st = session.createStatement()) {
            // Backstop for a statement that changed statement_timeout: the driver cancels it.
            st.setQueryTimeout((int) Math.max(1, (limits.statementTimeout().toMillis() + 1999) / 1000));
            st.setMaxRows(limits.maxRows() + 1);
            boolean hasRows = st.execute(sql);
            List<StatementResult.Column> columns = new ArrayList<>();
            List<List<String>> rows = new ArrayList<>();
            boolean truncated = false;
            long count;
            if (hasRows) {
                try (ResultSet rs = st.getResultSet()) {
                    ResultSetMetaData md = rs.getMetaData();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        columns.add(new StatementResult.Column(md.getColumnLabel(i), md.getColumnTypeName(i)));
                    }
                    while (rs.next()) {
                        if (rows.size() == limits.maxRows()) {
                            truncated = true;
                            break;
                        }
                        List<String> row = new ArrayList<>(columns.size());
                        for (int i = 1; i <= columns.size(); i++) {
                            row.add(rs.getString(i));
                        }
                        rows.add(row);
                    }
                }
                count = rows.size();
            } else {
                count = st.getUpdateCount();
            }
            return new StatementResult(auditId, sql, columns, rows, truncated, count, millisSince(start), null);
        } catch (SQLException e) {
            return new StatementResult(auditId, sql, List.of(), List.of(), false, -1, millisSince(start),
                    errorText(e));
        }
    }

    /**
     * Marks a transaction that wrote (it has a transaction id), on the pool, committed before the
     * run's own commit: capture reads the mark once it sees the transaction, after that commit.
     */
    private static void mark(Connection session, Connection auditing, ConsoleCaller caller, String requestId)
            throws SQLException {
        String txid;
        try (Statement st = session.createStatement(); ResultSet rs = st.executeQuery(TXID)) {
            rs.next();
            txid = rs.getString(1);
        }
        if (txid == null) {
            return;
        }
        ConsoleTransactions.mark(auditing, TxId.parse(txid), requestId, caller.keyId(), caller.tenantId());
    }

    private static String currentUser(Connection session) throws SQLException {
        try (Statement st = session.createStatement(); ResultSet rs = st.executeQuery("SELECT current_user")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void safeRollback(Connection session) {
        try {
            session.rollback();
        } catch (SQLException e) {
            log.debug("rollback after a failed console commit: {}", e.getMessage());
        }
    }

    /** {@code SQLSTATE: message} on one line (PostgreSQL adds lines such as "Position: 15"). */
    static String errorText(SQLException e) {
        String state = e.getSQLState();
        String message = (e.getMessage() == null ? e.toString() : e.getMessage()).replaceAll("\\s*\\R\\s*", " ");
        return state == null ? message : state + ": " + message;
    }

    private static double millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000.0;
    }
}

package flux.query;

import flux.log.CommittedRecords;
import flux.log.Mutation;
import flux.log.TxId;
import flux.query.catalog.Table;
import flux.query.model.Query;
import flux.query.model.RequestId;
import flux.query.mutation.LoggedOperation;
import flux.query.sql.SqlCompiler;
import flux.query.sql.SqlErrors;
import flux.query.sql.SqlStatement;
import flux.query.sql.Statements;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * One database transaction under one request id, handed to the body of
 * {@link QueryEngine#transaction}. Not thread-safe: use it from the thread that runs the body,
 * and not after the body returns. After a query fails the transaction is dead (PostgreSQL
 * aborted it): further queries throw {@link IllegalStateException}, and the engine rolls back
 * when the body ends.
 */
public final class Transaction {
    /**
     * Sent ahead of the first statement, in the same round trip (pgjdbc sends a multi-statement
     * string as one pipeline), so every transaction starts tagged. It also sets the plan cache
     * mode for the statement that follows ({@link SqlCompiler#prefersGenericPlan}) and the
     * statement timeout of the engine's limits ({@link EngineLimits#statementTimeout()}): local to
     * the transaction like the tag, so it costs no round trip and never outlives the request.
     */
    static final String TAG = "SELECT set_config('flux.request_id', ?, true), set_config('plan_cache_mode', ?, true),"
            + " set_config('statement_timeout', ?, true);\n";
    /**
     * {@link #TAG} for a tenant's transaction: the tenant setting that row-level policies read,
     * and the tenant's role, both ending with the transaction, so a pooled connection never
     * carries a tenant into the next one. Still one round trip with the statement it precedes.
     */
    static final String TENANT_TAG = "SELECT set_config('flux.request_id', ?, true), set_config('plan_cache_mode', ?, true),"
            + " set_config('statement_timeout', ?, true), set_config('flux.tenant_id', ?, true),"
            + " set_config('role', ?, true);\n";
    /** Sent after the tag of an undo's transaction ({@link #undoes}): its records name the undone request. */
    static final String UNDOES_TAG = "SELECT set_config('" + CommittedRecords.UNDOES_SETTING + "', ?, true);\n";
    /** Sent ahead of a later statement of the transaction that wants the other plan cache mode. */
    static final String PLAN_MODE = "SELECT set_config('plan_cache_mode', ?, true);\n";

    private final Connection connection;
    private final RequestId requestId;
    private final QueryEngine engine;
    private final List<Mutation> written = new ArrayList<>();
    private boolean tagged;
    private String planMode;
    private TxId txid;
    private Query failedWrite;
    private Table failedTable;
    private QueryException failure;
    private String undoes;

    private final String clientId;
    private final RequestScope scope;

    Transaction(Connection connection, RequestId requestId, String clientId, RequestScope scope, QueryEngine engine) {
        this.connection = connection;
        this.requestId = requestId;
        this.clientId = clientId;
        this.scope = scope;
        this.engine = engine;
    }

    public RequestId requestId() {
        return requestId;
    }

    /**
     * Marks this transaction as the undo of request {@code undoneRequestId}: every mutation record
     * it writes keeps that id (the log's {@code undoes} column). Call before the first query; it is
     * set with the transaction's tag, in the same round trip.
     *
     * @throws IllegalStateException after the first query
     */
    public void undoes(String undoneRequestId) {
        if (tagged || failure != null) {
            throw new IllegalStateException("an undo is marked before the transaction's first query");
        }
        this.undoes = java.util.Objects.requireNonNull(undoneRequestId, "undoneRequestId");
    }

    /**
     * Runs one query in this transaction.
     *
     * @return the selected rows, or the rows the write affected as they are after it
     * @throws QueryException when the query is invalid or the database refuses it
     */
    public QueryResult query(Query query) {
        if (failure != null) {
            throw new IllegalStateException("the transaction already failed: " + failure.getMessage());
        }
        Table table;
        Query scoped;
        SqlStatement statement;
        try {
            table = engine.resolve(scope, query.table(), false);
            scoped = scope == null ? query : scope.apply(query, table);
            statement = engine.compiler().compile(scoped, table);
        } catch (QueryException e) {
            failure = e;
            throw e;
        }
        return execute(scoped, table, statement, true);
    }

    /**
     * Runs a query already resolved against the catalog, narrowed to the tenant and compiled;
     * {@code records}: whether it was compiled to hand back its mutation records.
     */
    QueryResult execute(Query query, Table table, SqlStatement statement, boolean records) {
        if (failure != null) {
            throw new IllegalStateException("the transaction already failed: " + failure.getMessage());
        }
        String mode = SqlCompiler.prefersGenericPlan(query, table) ? "force_generic_plan" : "auto";
        long started = System.nanoTime();
        java.time.Instant startedAt = java.time.Instant.now();
        boolean markUndo = !tagged && undoes != null;
        String prefix = !tagged ? (scope == null ? TAG : TENANT_TAG) + (markUndo ? UNDOES_TAG : "")
                : mode.equals(planMode) ? "" : PLAN_MODE;
        List<String> rows = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(statement.prefixedText(prefix))) {
            int next = 1;
            if (!tagged) {
                ps.setString(next++, requestId.value());
            }
            if (!prefix.isEmpty()) {
                ps.setString(next++, mode);
            }
            if (!tagged) {
                ps.setString(next++, engine.limits().statementTimeoutSetting());
            }
            if (!tagged && scope != null) {
                ps.setString(next++, scope.tenantId());
                ps.setString(next++, scope.role());
            }
            if (markUndo) {
                ps.setString(next++, undoes);
            }
            Statements.bind(connection, ps, next, statement.params());
            ps.execute();
            if (!prefix.isEmpty()) {
                ps.getMoreResults();
                if (markUndo) {
                    ps.getMoreResults();
                }
                tagged = true;
                planMode = mode;
            }
            for (int k = 0; k < statement.leadingStatements(); k++) {
                ps.getMoreResults();
            }
            boolean write = records && query.operation().isWrite();
            try (ResultSet rs = ps.getResultSet()) {
                // The row is every statement's first column; the records come by name (SqlCompiler).
                CommittedRecords.Reader mutations = write ? new CommittedRecords.Reader(rs) : null;
                flux.log.Operation operation = write ? LoggedOperation.of(query.operation()) : null;
                while (rs.next()) {
                    rows.add(rs.getString(1));
                    if (write) {
                        Mutation m = mutations.read(table.schema(), table.name(), operation);
                        txid = m.txid();
                        written.add(m);
                    }
                }
            }
        } catch (SQLException e) {
            failure = SqlErrors.classify(e);
            if (query.operation().isWrite() && !SqlErrors.isInputError(e.getSQLState())) {
                failedWrite = query;
                failedTable = table;
            }
            observe(query, table, statement, 0, started, startedAt, e.getSQLState() == null ? "XX000" : e.getSQLState());
            throw failure;
        }
        observe(query, table, statement, rows.size(), started, startedAt, null);
        return new QueryResult(requestId, rows);
    }

    /** Hands the statement to observability (traces, slow queries, N+1, index advice, metrics). */
    private void observe(Query query, Table table, SqlStatement statement, long rowCount, long startedNanos,
                         java.time.Instant startedAt, String sqlState) {
        engine.observer().onQuery(new QueryTrace(requestId.value(), clientId, query.operation().jsonName(),
                table.schema(), table.name(), statement.text(), statement.params(),
                query.filters().stream().map(f -> f.column()).toList(), rowCount, System.nanoTime() - startedNanos,
                sqlState, startedAt, scope == null ? null : scope.tenantId()));
    }

    /** The tenant this transaction acts for, or null. */
    RequestScope scope() {
        return scope;
    }

    /** The mutations written so far (committed records if the transaction commits). */
    List<Mutation> written() {
        return written;
    }

    /** The txid of this transaction when a write has returned it, else null. */
    TxId txid() {
        return txid;
    }

    /** The write whose statement failed at the database (not for bad input), or null. */
    Query failedWrite() {
        return failedWrite;
    }

    Table failedTable() {
        return failedTable;
    }
}

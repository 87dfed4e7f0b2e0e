package flux.query;

import flux.log.AsOfRows;
import flux.log.AsOfShape;
import flux.log.Mutation;
import flux.log.RolledBackAttempts;
import flux.pg.DatabaseException;
import flux.query.catalog.Catalog;
import flux.query.catalog.Table;
import flux.query.model.Filter;
import flux.query.model.Names;
import flux.query.model.Op;
import flux.query.model.Query;
import flux.query.model.RequestId;
import flux.query.mutation.AttemptedMutations;
import flux.query.sql.SqlCompiler;
import flux.query.sql.SqlErrors;
import flux.query.sql.SqlStatement;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The Data Engine's front door: runs structured {@link Query queries} against PostgreSQL, each
 * transaction tagged with a {@link RequestId} ({@code set_config('flux.request_id', id, true)}
 * first) and every affected row recorded in {@code flux.state_mutations} in the same
 * transaction.
 *
 * <pre>{@code
 * QueryEngine engine = new QueryEngine(dataSource);
 * engine.transaction(RequestId.generate(), tx -> {
 *     tx.query(Query.insert("orders").set(Map.of("id", 7, "total", new BigDecimal("9.90"))).build());
 *     tx.query(Query.update("stock").set(Map.of("qty", 4)).where("sku", Op.EQ, "A1").build());
 * });
 * }</pre>
 *
 * <p>When a transaction fails (bad query, constraint violation, conflict, failure at commit,
 * or the body throws), it is rolled back and each mutation it attempted is then recorded, in a
 * new transaction, with status {@code rolled_back} and the error ({@code SQLSTATE: message});
 * the error is rethrown. A statement rejected for bad input (SQLSTATE classes 22 and 42) is not
 * itself an attempt, but earlier writes of its transaction are.
 *
 * <p>A {@link RequestScope} narrows a request to one tenant: names resolve in the tenant's
 * world, the query is narrowed before it is compiled, and the transaction starts with the
 * tenant's setting and database role, so PostgreSQL enforces the same (see RequestScope).
 *
 * <p>Arguments are never null, except scopes and client ids where the signature says so. Thread-safe: one engine serves all threads; each transaction
 * takes its own connection from the {@link DataSource}, which must hand out connections in
 * autocommit mode (as pools do by default).
 */
public final class QueryEngine {
    private static final Logger log = LoggerFactory.getLogger(QueryEngine.class);
    /** Rows a select returns at most, whatever its limit says (see {@link EngineLimits}). */
    public static final int DEFAULT_MAX_LIMIT = EngineLimits.DEFAULT_MAX_LIMIT;

    private static final QueryObserver NO_OBSERVER = trace -> { };

    private final DataSource dataSource;
    private final QueryObserver observer;
    private final Catalog catalog;
    private final EngineLimits limits;
    private volatile SqlCompiler compiler;
    /** The catalog's generation the compiler's cached statements were compiled against. */
    private volatile long compiledGeneration = -1;

    public QueryEngine(DataSource dataSource) {
        this(dataSource, EngineLimits.DEFAULTS, NO_OBSERVER);
    }

    public QueryEngine(DataSource dataSource, int maxLimit) {
        this(dataSource, maxLimit, NO_OBSERVER);
    }

    public QueryEngine(DataSource dataSource, int maxLimit, QueryObserver observer) {
        this(dataSource, new EngineLimits(maxLimit, EngineLimits.DEFAULT_MAX_IN_VALUES,
                EngineLimits.DEFAULT_STATEMENT_TIMEOUT), observer);
    }

    /**
     * @param limits   what one request may cost (rows, {@code in} values, statement time)
     * @param observer called on the request thread after every statement and at the end of each
     *                 request; it must be cheap and must not throw (see {@link QueryObserver})
     */
    public QueryEngine(DataSource dataSource, EngineLimits limits, QueryObserver observer) {
        this(dataSource, limits, observer, System::nanoTime);
    }

    /** With the clock that throttles the catalog's rereads after unknown names (tests turn it). */
    QueryEngine(DataSource dataSource, int maxLimit, QueryObserver observer, LongSupplier catalogClock) {
        this(dataSource, new EngineLimits(maxLimit, EngineLimits.DEFAULT_MAX_IN_VALUES,
                EngineLimits.DEFAULT_STATEMENT_TIMEOUT), observer, catalogClock);
    }

    private QueryEngine(DataSource dataSource, EngineLimits limits, QueryObserver observer, LongSupplier catalogClock) {
        this.observer = Objects.requireNonNull(observer, "observer");
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.catalog = new Catalog(dataSource, catalogClock);
    }

    /** The catalog of queryable tables; call {@code catalog().refresh()} after schema changes. */
    public Catalog catalog() {
        return catalog;
    }

    public int maxLimit() {
        return limits.maxLimit();
    }

    public EngineLimits limits() {
        return limits;
    }

    /**
     * Runs one query as its own transaction. The tag, the statement and (for a write) its
     * mutation records go to PostgreSQL as one pipeline and commit together: one round trip.
     */
    public QueryResult query(RequestId requestId, Query query) {
        return query(requestId, null, query);
    }

    /**
     * Like {@link #query(RequestId, Query)}, naming who sent it ({@code clientId}: an API key id or
     * a remote address; nullable), so observability can see one client's bursts across requests.
     */
    public QueryResult query(RequestId requestId, String clientId, Query query) {
        return query(requestId, clientId, null, query);
    }

    /** Like {@link #query(RequestId, String, Query)} for one tenant ({@code scope}; null: no tenant). */
    public QueryResult query(RequestId requestId, String clientId, RequestScope scope, Query query) {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(query, "query");
        try {
            return queryOnce(requestId, clientId, scope, query);
        } catch (QueryException e) {
            // The catalog may lag a schema change made outside Flux (psql) that no notification has
            // announced yet: a column it does not know, or one PostgreSQL no longer has. Read it again
            // (at most once a second) and run the query once more; the failed run changed nothing
            // (a name error is bad input: the statement never ran, or ran and failed as a whole).
            if (isNameError(e) && catalog.refreshAfterMiss()) {
                return queryOnce(requestId, clientId, scope, query);
            }
            throw e;
        }
    }

    private static boolean isNameError(QueryException e) {
        return "42703".equals(e.sqlState()) || "42P01".equals(e.sqlState());
    }

    private QueryResult queryOnce(RequestId requestId, String clientId, RequestScope scope, Query query) {
        // Resolved and compiled before a connection is taken: bad input never touches the pool.
        Table table = resolve(scope, query.table(), true);
        Query scoped = scope == null ? query : scope.apply(query, table);
        // One query, one transaction: nothing after it can fail and need its records back.
        SqlStatement statement = compiler().compile(scoped, table, false);
        // LOCK TABLE is refused outside a transaction block. PostgreSQL 18 takes an uncommitted
        // pipeline for one (checked); not relying on that elsewhere, writes of many rows run in
        // an explicit transaction (one more round trip, for the COMMIT).
        boolean implicit = statement.leadingStatements() == 0;
        return run(requestId, clientId, scope, implicit, tx -> tx.execute(scoped, table, statement, false));
    }

    /**
     * A time-travel select: the rows of the table as they were at {@code at} (inclusive), rebuilt
     * from the mutation log ({@link AsOfRows}), the query's filters, order, limit and columns applied
     * to those past rows. For a tenant ({@code scope}, nullable), the name resolves as for its
     * ordinary select and only its past rows are answered (see {@link #pastImagesOf}). Refused
     * ({@link InvalidQuery}) for anything but a select, and when the log may not hold every row the
     * table had then: before the table was created while Flux watched, or for a table Flux found
     * already there.
     */
    public QueryResult queryAsOf(RequestId requestId, String clientId, RequestScope scope, Query query,
                                 java.time.Instant at) {
        Objects.requireNonNull(at, "at");
        Table table = resolve(scope, query.table(), true);
        Query scoped = scope == null ? query : scope.apply(query, table);
        List<AsOfRows.ImageValue> narrowing = pastImagesOf(scope, table);
        java.time.Instant since;
        AsOfShape shape = null;
        try (Connection c = connect()) {
            since = AsOfRows.coveredSince(c, table.schema(), table.name());
            if (since != null) {
                shape = AsOfShape.since(c, table.schema(), table.name(), since);
            }
        } catch (SQLException | DatabaseException e) {
            throw SqlErrors.classify(DatabaseException.sqlCauseOf(e));
        }
        if (since == null || at.isBefore(since)) {
            throw new InvalidQuery("\"as_of\" " + at + " cannot be answered for table \"" + Names.shorten(query.table())
                    + "\": " + (since == null ? "Flux found it already there (or it was renamed), so the log may lack rows it"
                    + " had before" : "the log holds all its rows only from its creation at " + since));
        }
        java.util.Optional<AsOfShape.ColumnChange> unknown = shape.unknownAt(at);
        if (unknown.isPresent()) {
            throw new InvalidQuery("\"as_of\" " + at + " cannot be answered for table \"" + Names.shorten(query.table())
                    + "\": column \"" + Names.shorten(unknown.get().column()) + "\", added at " + unknown.get().at()
                    + " with a volatile default, gave each existing row its own value, which the log does not hold");
        }
        SqlStatement statement = compiler().selectFrom(scoped, table,
                AsOfRows.source(flux.pg.Identifiers.qualified(table.schema(), table.name()), shape, narrowing),
                AsOfRows.params(table.schema(), table.name(), at, shape, narrowing));
        // Run as the login role, without the tenant's setting and role: a schema tenant's role may
        // only append to the log, not read it. The login role may bypass row-level
        // security (a superuser, or the tables' owner without FORCE), so no policy narrows anything
        // here: the tenant's narrowing is all in the statement, twice. The images are narrowed in
        // the log read before they are decoded (AsOfRows), and the scope's filters, the same an
        // ordinary select gets, apply to the past rows; a schema tenant's rows are those of its own
        // table, the only one whose records the statement reads.
        return run(requestId, clientId, null, true, tx -> tx.execute(scoped, table, statement, false));
    }

    /**
     * What a past image must hold to be the tenant's: the scope's narrowing of a bare select of
     * {@code table} (a row tenant's {@code tenant_id eq} its id; nothing for a schema tenant, whose
     * table is its own), each filter an equality with a text value, checked on the image. A scope
     * whose narrowing cannot be checked that way is refused rather than answered unnarrowed.
     */
    private static List<AsOfRows.ImageValue> pastImagesOf(RequestScope scope, Table table) {
        if (scope == null) {
            return List.of();
        }
        List<AsOfRows.ImageValue> values = new ArrayList<>();
        for (Filter f : scope.apply(Query.select(table.name()).build(), table).filters()) {
            if (f.op() != Op.EQ || f.value() == null || !f.value().isTextual()) {
                throw new InvalidQuery("\"as_of\" cannot narrow the past rows of table \"" + Names.shorten(table.name())
                        + "\" to this caller (" + f.column() + " " + f.op().jsonName() + ")");
            }
            values.add(new AsOfRows.ImageValue(table.column(f.column()).name(), f.value().textValue()));
        }
        return values;
    }

    /** Runs {@code body} in one transaction: all its queries commit, or none do. */
    public void transaction(RequestId requestId, TransactionBody body) {
        Objects.requireNonNull(body, "body");
        run(requestId, null, null, false, tx -> {
            body.run(tx);
            return null;
        });
    }

    /** Like {@link #transaction} for a body that returns a value (e.g. the results of its queries). */
    public <T> T transactionResult(RequestId requestId, TransactionFunction<T> body) {
        return transactionResult(requestId, null, body);
    }

    /** Like {@link #transactionResult(RequestId, TransactionFunction)}, naming the client (nullable). */
    public <T> T transactionResult(RequestId requestId, String clientId, TransactionFunction<T> body) {
        return transactionResult(requestId, clientId, null, body);
    }

    /** Like {@link #transactionResult(RequestId, String, TransactionFunction)} for one tenant (null: none). */
    public <T> T transactionResult(RequestId requestId, String clientId, RequestScope scope,
                                   TransactionFunction<T> body) {
        Objects.requireNonNull(body, "body");
        return run(requestId, clientId, scope, false, body);
    }

    /** The table a name means, for the tenant when there is one. */
    Table resolve(RequestScope scope, String name, boolean refreshOnMiss) {
        return scope == null ? catalog.table(name, refreshOnMiss) : scope.resolve(catalog, name, refreshOnMiss);
    }

    QueryObserver observer() {
        return observer;
    }

    /**
     * The compiler, its cached statements let go after the catalog was read again: they are
     * keyed by the tables of the catalog they were compiled against, which a new read replaces,
     * so they could never be used again.
     */
    SqlCompiler compiler() {
        SqlCompiler c = compiler;
        if (c == null) {
            c = new SqlCompiler(limits.maxLimit(), limits.maxInValues(), serverVersion());
            compiler = c;
        }
        long generation = catalog.generation();
        if (generation != compiledGeneration) {
            compiledGeneration = generation;
            c.forgetStatements();
        }
        return c;
    }

    /**
     * {@code implicit}: leave the connection in autocommit, so the tagged statement runs in
     * PostgreSQL's implicit transaction of one pipeline (committed at its Sync), saving the
     * COMMIT round trip. Only for a body of exactly one query.
     *
     * <p>The engine's own transaction handling, not pg's {@code Transactions} template, on purpose:
     * the template always opens an explicit transaction and commits it, and here a single-query
     * request must cost one round trip (a measured target, checked by RoundTripsIT); and a failed
     * transaction must be rolled back and then have its attempts recorded on the same connection
     * before it goes back to the pool ({@link #recordAttempts}).
     */
    private <T> T run(RequestId requestId, String clientId, RequestScope scope, boolean implicit,
                      TransactionFunction<T> body) {
        Objects.requireNonNull(requestId, "requestId");
        compiler();
        // Loaded before a connection is held: inside a transaction, lookups do not refresh.
        catalog.ensureLoaded();
        MDC.put("requestId", requestId.value());
        try (Connection connection = connect()) {
            Transaction tx = new Transaction(connection, requestId, clientId, scope, this);
            try {
                if (!implicit) {
                    connection.setAutoCommit(false);
                }
                T result = body.apply(tx);
                if (!implicit) {
                    connection.commit();
                }
                return result;
            } catch (SQLException commitFailure) {
                QueryException e = SqlErrors.classify(commitFailure);
                recordAttempts(connection, tx, e, SqlErrors.recordText(e));
                throw e;
            } catch (QueryException e) {
                recordAttempts(connection, tx, e, SqlErrors.recordText(e));
                throw e;
            } catch (RuntimeException | Error e) {
                recordAttempts(connection, tx, e, "40000: transaction aborted by the caller: " + e);
                throw e;
            } finally {
                if (!implicit) {
                    restoreAutoCommit(connection);
                }
            }
        } catch (SQLException e) {
            throw SqlErrors.classify(e);
        } finally {
            observer.onRequestEnd(requestId.value());
            MDC.remove("requestId");
        }
    }

    /** Rolls back, then records what the transaction attempted; never hides the original error. */
    private void recordAttempts(Connection connection, Transaction tx, Throwable cause, String error) {
        try {
            if (!connection.getAutoCommit()) {
                connection.rollback();
                connection.setAutoCommit(true);
            }
            List<Mutation> attempts = new ArrayList<>(tx.written());
            if (tx.failedWrite() != null) {
                attempts.addAll(AttemptedMutations.of(connection, compiler(), tx.failedWrite(), tx.failedTable(),
                        tx.txid(), tx.scope()));
            }
            // As the login role, which owns the log: the records name the tenant themselves, and
            // a tenant's role would add nothing here but one more grant the insert depends on.
            RolledBackAttempts.record(connection, tx.requestId().value(),
                    tx.scope() == null ? null : tx.scope().tenantId(), attempts, error);
            if (!attempts.isEmpty()) {
                log.info("request {} rolled back; recorded {} attempted mutations ({})", tx.requestId(),
                        attempts.size(), error);
            }
        } catch (SQLException | RuntimeException e) {
            log.warn("request {} rolled back; its attempted mutations could not be recorded: {}", tx.requestId(),
                    e.getMessage());
            cause.addSuppressed(e);
        }
    }

    private Connection connect() {
        try {
            return dataSource.getConnection();
        } catch (SQLException e) {
            throw SqlErrors.connectionFailure("run the request", e);
        }
    }

    private static void restoreAutoCommit(Connection connection) {
        try {
            if (!connection.getAutoCommit()) {
                connection.rollback();
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            log.debug("cannot restore autocommit: {}", e.getMessage());
        }
    }

    private int serverVersion() {
        try (Connection c = connect()) {
            return c.getMetaData().getDatabaseMajorVersion() * 10000;
        } catch (SQLException e) {
            throw SqlErrors.connectionFailure("read the server version", e);
        }
    }
}

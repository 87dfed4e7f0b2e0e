package flux.query.sql;

import flux.log.CommittedRecords;
import flux.query.InvalidQuery;
import flux.query.catalog.Table;
import flux.query.model.Operation;
import flux.query.model.Query;
import java.util.List;

/**
 * Compiles a {@link Query} against its catalog {@link Table} into one SQL statement. Every
 * identifier is the catalog's, quoted; every value is a bound parameter.
 *
 * <p>A write compiles to a single statement with data-modifying CTEs: the DML with
 * {@code RETURNING} the before and after images, the insert of one {@code flux.state_mutations}
 * record per affected row (the log's part, {@link CommittedRecords}), and a final SELECT that
 * hands the rows and the records back. So the row and its record are written in one round trip
 * and cannot be separated. The first result column of every statement is the row as JSON; a
 * write that hands its records back adds the log's {@link CommittedRecords#RETURNED}, by name.
 *
 * <p>{@link #compile} compiles each query shape once ({@link StatementCache}): a later query of
 * the same shape gets the same text with its own values bound, through the same conversions and
 * checks ({@link Params}). The engine lets the cache go when its catalog is read again.
 *
 * <p>Each operation has its own class ({@link SelectSql}, {@link InsertSql}, {@link UpdateSql},
 * {@link DeleteSql}); a write's DML is wrapped with its records by {@link RecordedWrite}. The
 * refusals common to several operations are {@link QueryChecks}.
 */
public final class SqlCompiler {
    /** {@code server_version_num} from which {@code RETURNING OLD/NEW} exists. */
    public static final int RETURNING_OLD_SINCE = 180000;

    /**
     * Most rows recorded for one failed update or delete: the record of an attempt on a huge
     * table must not itself become a huge (or failing) transaction.
     */
    public static final int MAX_RECORDED_ATTEMPTS = 10_000;

    /**
     * Most values one statement may bind: the wire protocol counts parameters in 16 bits, and
     * pgjdbc fails beyond this with an I/O error that would read as a lost database. A handful
     * are kept for the request tag the engine sends ahead of the statement.
     */
    static final int MAX_BOUND_VALUES = Short.MAX_VALUE - 16;

    private final int maxLimit;
    private final int maxInValues;
    private final int serverVersion;
    private final StatementCache statements;

    public SqlCompiler(int maxLimit, int maxInValues, int serverVersion) {
        this(maxLimit, maxInValues, serverVersion, StatementCache.DEFAULT_CAPACITY);
    }

    /** @param cachedShapes how many query shapes' statements are kept compiled ({@link StatementCache}) */
    public SqlCompiler(int maxLimit, int maxInValues, int serverVersion, int cachedShapes) {
        this.maxLimit = maxLimit;
        this.maxInValues = maxInValues;
        this.serverVersion = serverVersion;
        this.statements = new StatementCache(cachedShapes);
    }

    /**
     * True for statements whose best plan does not depend on the values: inserts, and updates or
     * deletes that name one row by equality on its whole primary key. For these the engine runs
     * with {@code plan_cache_mode = force_generic_plan} (transaction-local): the write
     * statements are large CTEs, and PostgreSQL's default keeps re-planning them per execution
     * (a custom plan costs about as much as the write itself), while the generic plan is the
     * same index lookup. Other statements keep PostgreSQL's choice, since a filter on a skewed
     * column may deserve a plan for its value.
     */
    public static boolean prefersGenericPlan(Query query, Table table) {
        return switch (query.operation()) {
            case INSERT -> true;
            case UPDATE, DELETE -> WriteGate.namesOneRowByKey(query, table);
            case SELECT -> false;
        };
    }

    public SqlStatement compile(Query query, Table table) {
        return compile(query, table, true);
    }

    /**
     * {@code records}: whether a write hands its mutation records back (result columns 2 to 6).
     * A transaction of one query has no use for them: they matter only when a later query of
     * the same transaction fails, and a statement that fails itself is recorded from the rows
     * as they are ({@link #attemptedImages}). Leaving them out spares the server printing two
     * JSON images per row, and the client reading them.
     */
    public SqlStatement compile(Query query, Table table, boolean records) {
        if (query.operation() != Operation.SELECT) {
            QueryChecks.rejectReadOnlyFields(query);
        }
        QueryChecks.rejectLongInLists(query, maxInValues);
        StatementCache.Key key = StatementCache.keyOf(query, table, records);
        StatementCache.Template cached = statements.get(key);
        if (cached != null) {
            return cached.bind(query);
        }
        Params params = new Params(query);
        String text = switch (query.operation()) {
            case SELECT -> SelectSql.select(query, table, RowSql.target(table), params, maxLimit);
            case INSERT -> InsertSql.insert(query, table, records, params);
            case UPDATE -> UpdateSql.update(query, table, records, params, serverVersion);
            case DELETE -> DeleteSql.delete(query, table, records, params);
        };
        if (params.size() > MAX_BOUND_VALUES) {
            throw new InvalidQuery(InvalidQuery.Reason.TOO_MANY_VALUES, "the query binds " + params.size()
                    + " values; one statement takes at most " + MAX_BOUND_VALUES + " (split a bulk insert)");
        }
        return statements.put(key, new StatementCache.Template(text, WriteGate.leadingStatements(text), params.slots()),
                params.values());
    }

    /** Forgets every compiled statement (the catalog was read again: its tables may have changed). */
    public void forgetStatements() {
        statements.clear();
    }

    /** How many query shapes have a compiled statement. */
    int cachedShapes() {
        return statements.size();
    }

    /**
     * The current images of the rows an update or delete targets, with the after image an update
     * would give, named {@code o, n, k} (row_id), {@code c} (changed columns, JSON array text).
     * Used to record an attempt whose statement failed, in a later transaction.
     */
    public SqlStatement attemptedImages(Query query, Table table) {
        return AttemptedImagesSql.attemptedImages(query, table);
    }

    /**
     * A select over {@code source} instead of the table: a query text whose rows have the table's
     * columns (a time-travel select reads the rows a moment had, rebuilt from the log), its values
     * {@code sourceParams}; filters, order, limit and columns apply as to the table.
     */
    public SqlStatement selectFrom(Query query, Table table, String source, List<Object> sourceParams) {
        if (query.operation() != Operation.SELECT) {
            throw new InvalidQuery("\"as_of\" applies to a select only, not to "
                    + (query.operation() == Operation.DELETE ? "a " : "an ") + query.operation().jsonName());
        }
        QueryChecks.rejectLongInLists(query, maxInValues);
        Params params = new Params(query);
        params.fixedAll(sourceParams);
        return new SqlStatement(SelectSql.select(query, table, "(" + source + ")", params, maxLimit), params.values());
    }
}

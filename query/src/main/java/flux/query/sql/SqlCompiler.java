package flux.query.sql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import flux.log.CommittedRecords;
import flux.pg.Identifiers;
import flux.query.InvalidQuery;
import flux.query.catalog.Column;
import flux.query.catalog.ColumnEquality;
import flux.query.catalog.ColumnKind;
import flux.query.catalog.Table;
import flux.query.model.Filter;
import flux.query.model.Names;
import flux.query.model.Op;
import flux.query.model.Operation;
import flux.query.model.Order;
import flux.query.model.Query;
import flux.query.mutation.LoggedOperation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;

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
 * <p>On PostgreSQL 18 and later, UPDATE takes its before image from {@code RETURNING OLD};
 * before 18, from a {@code FOR UPDATE} self-join on the primary key, which locks the rows first
 * so the image is the version the update replaces.
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
        switch (query.operation()) {
            case INSERT:
                return true;
            case UPDATE:
            case DELETE:
                if (table.primaryKey().isEmpty()) {
                    return false;
                }
                for (Column k : table.primaryKey()) {
                    boolean named = query.filters().stream().anyMatch(f -> f.op() == Op.EQ
                            && f.column().equals(k.name()) && f.value().isValueNode() && !f.value().isNull());
                    if (!named) {
                        return false;
                    }
                }
                return true;
            default:
                return false;
        }
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
            rejectReadOnlyFields(query);
        }
        rejectLongInLists(query);
        StatementCache.Key key = StatementCache.keyOf(query, table, records);
        StatementCache.Template cached = statements.get(key);
        if (cached != null) {
            return cached.bind(query);
        }
        Params params = new Params(query);
        String text = switch (query.operation()) {
            case SELECT -> select(query, table, target(table), params);
            case INSERT -> insert(query, table, records, params);
            case UPDATE -> update(query, table, records, params);
            case DELETE -> delete(query, table, records, params);
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

    private void rejectLongInLists(Query query) {
        for (Filter f : query.filters()) {
            if (f.op() == Op.IN && f.value().isArray() && f.value().size() > maxInValues) {
                throw new InvalidQuery(InvalidQuery.Reason.TOO_MANY_VALUES, "filter \"in\" on column \""
                        + Names.shorten(f.column()) + "\" has " + f.value().size() + " values; at most "
                        + maxInValues + " are allowed");
            }
        }
    }

    /**
     * The current images of the rows an update or delete targets, with the after image an update
     * would give, named {@code o, n, k} (row_id), {@code c} (changed columns, JSON array text).
     * Used to record an attempt whose statement failed, in a later transaction.
     */
    public SqlStatement attemptedImages(Query query, Table table) {
        Params params = new Params(query);
        String newImage = "NULL::text";
        String changed = "NULL::text";
        if (query.operation() == Operation.UPDATE) {
            String assigned = flux.query.model.JsonCodec.write(assignments(query, table));
            params.fixed(assigned);
            newImage = "(to_jsonb(t.*) || CAST(? AS jsonb))::text";
            params.fixed(table.columnNames());
            changed = "(SELECT COALESCE(json_agg(u.c ORDER BY u.i), '[]')::text"
                    + " FROM unnest(CAST(? AS text[])) WITH ORDINALITY AS u(c, i)"
                    + " WHERE to_jsonb(t.*) -> u.c IS DISTINCT FROM (to_jsonb(t.*) || CAST(? AS jsonb)) -> u.c)";
            params.fixed(assigned);
        }
        String where = FilterSql.where(query, table, "t", params);
        params.fixed((long) MAX_RECORDED_ATTEMPTS);
        String sql = "SELECT to_jsonb(t.*)::text AS o, " + newImage + " AS n, " + key(table, "t") + " AS k, " + changed
                + " AS c FROM " + target(table) + " AS t" + where + " LIMIT ?";
        return new SqlStatement(sql, params.values());
    }

    /**
     * A select over {@code source} instead of the table: a query text whose rows have the table's
     * columns (a time-travel select reads the rows a moment had, rebuilt from the log), its values
     * {@code sourceParams}; filters, order, limit and columns apply as to the table.
     */
    public SqlStatement selectFrom(Query query, Table table, String source, List<Object> sourceParams) {
        if (query.operation() != Operation.SELECT) {
            throw new InvalidQuery("\"as_of\" applies to a select only, not to an " + query.operation().jsonName());
        }
        rejectLongInLists(query);
        Params params = new Params(query);
        params.fixedAll(sourceParams);
        return new SqlStatement(select(query, table, "(" + source + ")", params), params.values());
    }

    /** A select from {@code from} (the table, or a query text whose values {@code params} already holds). */
    private String select(Query query, Table table, String from, Params params) {
        StringBuilder sql = new StringBuilder("SELECT row_to_json(flux_r.*)::text FROM (SELECT ")
                .append(projection(query, table, "t"))
                .append(" FROM ").append(from).append(" AS t")
                .append(FilterSql.where(query, table, "t", params));
        if (!query.order().isEmpty()) {
            StringJoiner terms = new StringJoiner(", ", " ORDER BY ", "");
            for (Order o : query.order()) {
                terms.add("t." + Identifiers.quote(table.column(o.column()).name()) + (o.descending() ? " DESC" : " ASC"));
            }
            sql.append(terms);
        }
        sql.append(" LIMIT ?");
        params.from(q -> (long) (q.limit() == null ? maxLimit : Math.min(q.limit(), maxLimit)));
        if (query.offset() != null && query.offset() > 0) {
            sql.append(" OFFSET ?");
            params.from(q -> (long) q.offset());
        }
        sql.append(") AS flux_r");
        return sql.toString();
    }

    private static String insert(Query query, Table table, boolean records, Params params) {
        requireKey(table);
        if (!query.filters().isEmpty()) {
            throw new InvalidQuery("an insert takes no filters");
        }
        if (query.rows().isEmpty()) {
            throw new InvalidQuery("an insert needs \"data\": an object, or an array of objects");
        }
        Set<String> names = new LinkedHashSet<>();
        for (ObjectNode row : query.rows()) {
            row.fieldNames().forEachRemaining(names::add);
        }
        List<Column> columns = inTableOrder(table, names);
        StringBuilder dml = new StringBuilder("INSERT INTO ").append(target(table)).append(" AS t");
        if (columns.isEmpty()) {
            if (query.rows().size() > 1) {
                throw new InvalidQuery("a bulk insert needs at least one column in its rows");
            }
            dml.append(" DEFAULT VALUES");
        } else {
            StringJoiner cols = new StringJoiner(", ", " (", ")");
            columns.forEach(c -> cols.add(Identifiers.quote(c.name())));
            // Rows brought back as they were keep their identity ALWAYS values (a no-op elsewhere).
            dml.append(cols).append(query.restoring() ? " OVERRIDING SYSTEM VALUE" : "").append(" VALUES ");
            StringJoiner tuples = new StringJoiner(", ");
            for (int r = 0; r < query.rows().size(); r++) {
                ObjectNode row = query.rows().get(r);
                StringJoiner tuple = new StringJoiner(", ", "(", ")");
                for (Column c : columns) {
                    tuple.add(row.get(c.name()) == null ? "DEFAULT" : Values.bind(c, rowValue(r, c), params));
                }
                tuples.add(tuple.toString());
            }
            dml.append(tuples);
        }
        dml.append(" RETURNING ").append(rowJson(query, table, "t"))
                .append(" AS r, NULL::jsonb AS o, to_jsonb(t.*) AS n, ").append(key(table, "t"))
                .append(" AS k, NULL::text[] AS c");
        return write(dml.toString(), params, table, CommittedRecords.cte(LoggedOperation.of(query.operation())), records,
                false);
    }

    /** The value of column {@code c} in the query's row {@code r}. */
    private static Values.At rowValue(int r, Column c) {
        String name = c.name();
        return q -> q.rows().get(r).get(name);
    }

    private String update(Query query, Table table, boolean records, Params params) {
        requireKey(table);
        ObjectNode data = assignments(query, table);
        requireFiltersOrAll(query);
        StringJoiner set = new StringJoiner(", ", " SET ", "");
        Set<String> names = new LinkedHashSet<>();
        data.fieldNames().forEachRemaining(names::add);
        for (Column c : inTableOrder(table, names)) {
            set.add(Identifiers.quote(c.name()) + " = " + Values.bind(c, rowValue(0, c), params));
        }
        StringBuilder dml = new StringBuilder("UPDATE ").append(target(table)).append(" AS t").append(set);
        // Only an update that assigns a key column can move the row to another key: it alone returns
        // the key before (ko), so the record can name both (docs/history.md, key changes).
        boolean keyAssigned = table.primaryKey().stream().anyMatch(k -> names.contains(k.name()));
        if (serverVersion >= RETURNING_OLD_SINCE) {
            dml.append(WriteGate.lockedWhere(query, table, "t", params))
                    .append(" RETURNING WITH (OLD AS flux_old, NEW AS flux_new) ")
                    .append(rowJson(query, table, "flux_new"))
                    .append(" AS r, to_jsonb(flux_old.*) AS o, to_jsonb(flux_new.*) AS n, ")
                    .append(key(table, "flux_new")).append(" AS k, ")
                    .append(changedColumns(table, params)).append(" AS c")
                    .append(keyAssigned ? ", " + key(table, "flux_old") + " AS ko" : "");
        } else {
            StringJoiner keyCols = new StringJoiner(", ");
            StringJoiner join = new StringJoiner(" AND ", " WHERE ", "");
            for (Column k : table.primaryKey()) {
                keyCols.add("x." + Identifiers.quote(k.name()));
                join.add("t." + Identifiers.quote(k.name()) + " = flux_o." + Identifiers.quote(k.name()));
            }
            dml.append(" FROM (SELECT ").append(keyCols).append(", to_jsonb(x.*) AS flux_old FROM ")
                    .append(target(table)).append(" AS x").append(WriteGate.lockedWhere(query, table, "x", params))
                    .append(" FOR UPDATE OF x) AS flux_o").append(join)
                    .append(" RETURNING ").append(rowJson(query, table, "t"))
                    .append(" AS r, flux_o.flux_old AS o, to_jsonb(t.*) AS n, ").append(key(table, "t"))
                    .append(" AS k, ARRAY(SELECT u.c FROM unnest(CAST(? AS text[])) WITH ORDINALITY AS u(c, i)")
                    .append(" WHERE flux_o.flux_old -> u.c IS DISTINCT FROM to_jsonb(t.*) -> u.c ORDER BY u.i) AS c")
                    .append(keyAssigned ? ", " + key(table, "flux_o") + " AS ko" : "");
            params.fixed(table.columnNames());
        }
        return write(dml.toString(), params, table, keyAssigned ? CommittedRecords.keyChangingUpdateCte()
                : CommittedRecords.cte(LoggedOperation.of(query.operation())), records, !prefersGenericPlan(query, table));
    }

    private static String delete(Query query, Table table, boolean records, Params params) {
        requireKey(table);
        if (!query.rows().isEmpty()) {
            throw new InvalidQuery("a delete takes no \"data\"");
        }
        requireFiltersOrAll(query);
        String dml = "DELETE FROM " + target(table) + " AS t" + WriteGate.lockedWhere(query, table, "t", params)
                + " RETURNING " + rowJson(query, table, "t") + " AS r, to_jsonb(t.*) AS o, NULL::jsonb AS n, "
                + key(table, "t") + " AS k, NULL::text[] AS c";
        return write(dml, params, table, CommittedRecords.cte(LoggedOperation.of(query.operation())), records,
                !prefersGenericPlan(query, table));
    }

    /**
     * Wraps a DML with RETURNING (r, o, n, k, c) into the one statement that also writes the
     * mutation records: the DML is the CTE {@code flux_w} the log's record insert reads
     * ({@link CommittedRecords}); {@code c} is the changed columns in table order, so the record
     * and the answer agree on them. {@code recordCte}: the log's record insert for this write
     * ({@link CommittedRecords}). {@code locksTable}: preceded by the table lock of a write of many
     * rows ({@link WriteGate}).
     */
    private static String write(String dml, Params params, Table table, String recordCte,
                                boolean records, boolean locksTable) {
        params.fixedAll(CommittedRecords.params(table.schema(), table.name()));
        return (locksTable ? WriteGate.tableLock(table) : "")
                + "WITH flux_w AS (" + dml + "),\n "
                + recordCte + "\n"
                + (records ? "SELECT w.r, " + CommittedRecords.RETURNED + " FROM flux_w w" : "SELECT w.r FROM flux_w w");
    }

    /**
     * The columns an update changed, in table order: each compared in its own type where that
     * agrees with the JSON images the record keeps ({@link ColumnEquality}), else by its image.
     * Typed comparisons in RETURNING cost a fraction of looking every column up in two jsonb
     * images. Column names are bound like any value.
     */
    private static String changedColumns(Table table, Params params) {
        StringJoiner cases = new StringJoiner(", ", "array_remove(ARRAY[", "], NULL)");
        for (Column c : table.columns()) {
            String before = "flux_old." + Identifiers.quote(c.name());
            String after = "flux_new." + Identifiers.quote(c.name());
            String differs = c.equality() == ColumnEquality.IMAGE
                    ? "to_jsonb(" + before + ") IS DISTINCT FROM to_jsonb(" + after + ")"
                    : before + " IS DISTINCT FROM " + after;
            cases.add("CASE WHEN " + differs + " THEN CAST(? AS text) END");
            params.fixed(c.name());
        }
        return cases.toString();
    }

    /** The row as JSON text in column order, restricted to the requested columns; bytea as base64. */
    private static String rowJson(Query query, Table table, String alias) {
        if (query.columns().isEmpty() && !table.hasBytes()) {
            return "row_to_json(" + alias + ".*)::text";
        }
        return "(SELECT row_to_json(flux_p.*)::text FROM (SELECT " + projection(query, table, alias) + ") AS flux_p)";
    }

    private static String projection(Query query, Table table, String alias) {
        List<Column> columns = new ArrayList<>();
        if (query.columns().isEmpty()) {
            columns.addAll(table.columns());
        } else {
            for (String name : query.columns()) {
                columns.add(table.column(name));
            }
        }
        StringJoiner list = new StringJoiner(", ");
        for (Column c : columns) {
            String ref = alias + "." + Identifiers.quote(c.name());
            list.add(c.kind() == ColumnKind.BYTES
                    ? "encode(" + ref + ", 'base64') AS " + Identifiers.quote(c.name())
                    : ref);
        }
        return list.toString();
    }

    /** The row_id expression: the key's text form, or a JSON array of them for a composite key. */
    static String key(Table table, String alias) {
        return key(table.primaryKey().stream().map(c -> alias + "." + Identifiers.quote(c.name())).toList());
    }

    /** {@link #key(Table, String)} of the key columns' value expressions, in key order. */
    static String key(List<String> values) {
        if (values.size() == 1) {
            return "CAST(" + values.get(0) + " AS text)";
        }
        StringJoiner parts = new StringJoiner(", ", "array_to_json(ARRAY[", "])::text");
        for (String v : values) {
            parts.add("CAST(" + v + " AS text)");
        }
        return parts.toString();
    }

    private static ObjectNode assignments(Query query, Table table) {
        if (query.rows().size() != 1 || query.rows().get(0).isEmpty()) {
            throw new InvalidQuery("an update needs \"data\": one object of column values");
        }
        return query.rows().get(0);
    }

    /**
     * The named columns (each checked writable, in the order named, so the first bad name is the
     * one reported) in the table's column order: the same write with its JSON keys in another
     * order compiles to the same SQL text, so it reuses the connection's prepared statement and
     * counts as the same shape for observability.
     */
    private static List<Column> inTableOrder(Table table, Set<String> names) {
        Set<Column> named = new HashSet<>();
        for (String name : names) {
            named.add(writable(table, name));
        }
        List<Column> ordered = new ArrayList<>(named.size());
        for (Column c : table.columns()) {
            if (named.contains(c)) {
                ordered.add(c);
            }
        }
        return ordered;
    }

    private static Column writable(Table table, String name) {
        Column c = table.column(name);
        if (c.generated()) {
            throw new InvalidQuery("column \"" + table.name() + "." + c.name() + "\" is generated and cannot be written");
        }
        return c;
    }

    private static void requireKey(Table table) {
        if (table.primaryKey().isEmpty()) {
            throw new InvalidQuery("table \"" + table.qualifiedName() + "\" has no primary key: the API writes only"
                    + " tables whose rows it can name in the mutation log");
        }
    }

    private static void requireFiltersOrAll(Query query) {
        if (query.filters().isEmpty() && !query.all()) {
            throw new InvalidQuery(InvalidQuery.Reason.FILTERS_REQUIRED, "an " + query.operation().jsonName() + " without filters would change every row;"
                    + " send \"all\": true to mean that");
        }
        if (!query.filters().isEmpty() && query.all()) {
            throw new InvalidQuery("\"all\": true and filters contradict each other");
        }
    }

    private static void rejectReadOnlyFields(Query query) {
        if (query.limit() != null || query.offset() != null || !query.order().isEmpty()) {
            throw new InvalidQuery("limit, offset and order apply to select only");
        }
    }

    static String target(Table table) {
        return Identifiers.qualified(table.schema(), table.name());
    }
}

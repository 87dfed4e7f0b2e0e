package flux.query.sql;

import flux.query.catalog.Column;
import flux.query.catalog.ColumnEquality;
import flux.query.catalog.Table;
import flux.query.model.Filter;
import flux.query.model.Op;
import flux.query.model.Query;
import java.util.ArrayList;
import java.util.List;

/**
 * The locks an update or delete takes before it modifies anything, so that the mutation log's
 * txid order is the order in which each row changed ({@link #lockedWhere} says how and why).
 */
final class WriteGate {
    private WriteGate() {
    }

    private static final String TABLE_LOCK = "LOCK TABLE ";

    /** The statement that precedes a write of many rows, in the same pipeline. */
    static String tableLock(Table table) {
        return TABLE_LOCK + RowSql.target(table) + " IN SHARE ROW EXCLUSIVE MODE;\n";
    }

    /** How many statements a compiled text runs ahead of its answer: 1 after a {@link #tableLock}, else 0. */
    static int leadingStatements(String compiledText) {
        return compiledText.startsWith(TABLE_LOCK) ? 1 : 0;
    }

    /**
     * The WHERE of an update or delete, gated so that the mutation log's txid order is the
     * order in which each row changed. Why a gate: a transaction gets its txid when it first
     * modifies a row, and writers queued on one row would otherwise get txids in arrival order
     * but the row in wake-up order. With the gate, a writer gets its txid only after the
     * previous writer of the row committed.
     *
     * <p>Two levels, so the number of locks stays bounded. A write of one row by its whole key
     * takes that row's transaction-scoped advisory lock (which, unlike a row lock, assigns no
     * txid) in an uncorrelated subquery, evaluated once before the first row is modified. Any
     * other update or delete (which may touch millions of rows) is preceded by
     * {@code LOCK TABLE ... IN SHARE ROW EXCLUSIVE MODE} (see {@link #tableLock}): it conflicts with
     * the ROW EXCLUSIVE lock that every writer of the table, through Flux or not, takes before
     * it modifies anything, so it waits for in-flight writers and holds off new ones until it
     * commits, and it conflicts with itself. Key-point writers pay no shared lock for this:
     * PostgreSQL takes their ROW EXCLUSIVE lock anyway, on its fast path. (The row lock is listed,
     * with every other advisory lock Flux takes, in {@code flux.pg.LockKeys}.)
     */
    static String lockedWhere(Query query, Table table, String alias, Params params) {
        String where = FilterSql.where(query, table, alias, params);
        if (!SqlCompiler.prefersGenericPlan(query, table)) {
            return where;
        }
        params.fixed(table.qualifiedName());
        String gate = "(SELECT count(*) FROM (SELECT pg_advisory_xact_lock(hashtext(CAST(? AS text)), hashtext("
                + namedKey(query, table, params) + "))) AS flux_l) = 1";
        return where + " AND " + gate;
    }

    /**
     * The row_id text of the one row a key-point write names, for its row lock. When every key
     * column's equal values print alike ({@link ColumnEquality#CANONICAL}), it is built from
     * the filter's own values, so the gate costs no read; otherwise (numeric keys: 1.5 names the
     * row 1.50) it is read from the row, and a row that does not exist takes no row lock
     * ({@code hashtext(NULL)} is NULL and the strict lock function is not called).
     */
    private static String namedKey(Query query, Table table, Params params) {
        boolean canonical = table.primaryKey().stream().allMatch(c -> c.equality() == ColumnEquality.CANONICAL);
        if (!canonical) {
            return "(SELECT " + RowSql.key(table, "flux_x") + " FROM " + RowSql.target(table) + " AS flux_x"
                    + FilterSql.where(query, table, "flux_x", params) + ")";
        }
        List<String> parts = new ArrayList<>();
        for (Column k : table.primaryKey()) {
            int named = namingFilter(query, k);
            if (named < 0) {
                throw new IllegalStateException("not a key-point write");
            }
            parts.add(Values.bind(k, FilterSql.valueOf(named), params));
        }
        return RowSql.key(parts);
    }

    /** Whether the query names one row by equality on every column of the table's primary key (a key-point write). */
    static boolean namesOneRowByKey(Query query, Table table) {
        if (table.primaryKey().isEmpty()) {
            return false;
        }
        for (Column k : table.primaryKey()) {
            if (namingFilter(query, k) < 0) {
                return false;
            }
        }
        return true;
    }

    /** The index of the first filter that names key column {@code k}'s value by equality, or -1. */
    private static int namingFilter(Query query, Column k) {
        for (int i = 0; i < query.filters().size(); i++) {
            Filter f = query.filters().get(i);
            if (f.op() == Op.EQ && f.column().equals(k.name()) && f.value().isValueNode() && !f.value().isNull()) {
                return i;
            }
        }
        return -1;
    }
}

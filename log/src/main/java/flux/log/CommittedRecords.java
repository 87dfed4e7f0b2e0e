package flux.log;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The log's part of the engine's write statement: the compiler wraps its DML, with
 * {@code RETURNING} the affected rows, in a data-modifying CTE named {@code flux_w}, and embeds
 * {@link #cte} beside it, which inserts one committed record per returned row in the same
 * statement, so a row and its record are written in one round trip and cannot be separated.
 * The two meet on {@code flux_w}'s columns: {@code k} the row_id text, {@code o} and {@code n}
 * the before and after images (jsonb), {@code c} the changed columns (text[], in table order);
 * an update that assigns a key column also {@code ko}, the key before ({@link #keyChangingUpdateCte}).
 * The request id and the tenant come from the transaction's settings
 * ({@code flux.request_id}, {@code flux.tenant_id}); the txid from {@code pg_current_xact_id()},
 * which the DML assigned before the first record id is taken (the blame folder relies on it);
 * {@code undoes} from {@link #UNDOES_SETTING} (null except in an undo's transaction).
 *
 * <p>When the engine wants the records back (a transaction of several queries keeps them, to
 * record them as attempts should it fail later), the statement ends with
 * {@code SELECT w.r, }{@link #RETURNED}{@code  FROM flux_w w}, read by a {@link Reader}.
 */
public final class CommittedRecords {
    /**
     * The transaction setting that names the request an undo reverses: an undo's transaction sets
     * it (local to the transaction, like the request tag), and each of its records keeps it in the
     * log's {@code undoes} column, so the undo's records name the request they undo.
     */
    public static final String UNDOES_SETTING = "flux.undoes";
    /** The records handed back, named for {@link Reader}. */
    public static final String RETURNED =
            "w.o::text AS o, w.n::text AS n, w.k, array_to_json(w.c)::text AS c, pg_current_xact_id()::text AS txid";

    private static final Map<Operation, String> CTES = new EnumMap<>(Operation.class);
    /** An UPDATE that may change the primary key: its DML also returns {@code ko}, the key before. */
    private static final String KEY_CHANGING_UPDATE;

    static {
        for (Operation operation : Operation.values()) {
            CTES.put(operation, cte(operation.name(), "", ""));
        }
        // old_row_id only when the key did change: NULLIF leaves it null for an update that set the
        // key to its own value (or left it alone), as for every other write.
        KEY_CHANGING_UPDATE = cte(Operation.UPDATE.name(), ", old_row_id", ", NULLIF(w.ko, w.k)");
    }

    private static String cte(String operation, String extraColumn, String extraValue) {
        return "flux_m AS (INSERT INTO flux.state_mutations (request_id, txid, table_schema, table_name,"
                + " row_id, operation, old, new, changed_columns, tenant_id, undoes" + extraColumn + ")"
                + " SELECT current_setting('flux.request_id'), pg_current_xact_id(), ?, ?, w.k, '" + operation
                + "', w.o, w.n, w.c"
                // '' once a connection saw a tenant (or undo) transaction: the setting outlives its value
                + ", NULLIF(current_setting('flux.tenant_id', true), ''), NULLIF(current_setting('"
                + UNDOES_SETTING + "', true), '')" + extraValue + " FROM flux_w w)";
    }

    private CommittedRecords() {
    }

    /** The CTE {@code flux_m} that records the rows of {@code flux_w}; its parameters are {@link #params}. */
    public static String cte(Operation operation) {
        return CTES.get(operation);
    }

    /**
     * {@link #cte} of an UPDATE that assigns a primary key column: {@code flux_w} also returns
     * {@code ko}, the row_id text of the key before the update, and a record whose key changed
     * keeps it as {@code old_row_id}. The key is not compared for updates that assign no key
     * column: they cannot change it, and the write path stays as it was.
     */
    public static String keyChangingUpdateCte() {
        return KEY_CHANGING_UPDATE;
    }

    /** The values the CTE binds, in order, after the DML's own. */
    public static List<Object> params(String tableSchema, String tableName) {
        return List.of(tableSchema, tableName);
    }

    /**
     * Reads {@link #RETURNED} by name, the names looked up once per result set. It works on the
     * caller's own result set, a cursor of the caller's write statement, so it keeps that result
     * set's {@link SQLException}: the engine classifies it with its statement's (the log's one
     * exception to {@link flux.pg.DatabaseException}).
     */
    public static final class Reader {
        private final ResultSet rs;
        private final int oldImage;
        private final int newImage;
        private final int rowId;
        private final int changedColumns;
        private final int txid;

        public Reader(ResultSet rs) throws SQLException {
            this.rs = rs;
            this.oldImage = rs.findColumn("o");
            this.newImage = rs.findColumn("n");
            this.rowId = rs.findColumn("k");
            this.changedColumns = rs.findColumn("c");
            this.txid = rs.findColumn("txid");
        }

        /** The mutation at the cursor, of a write of {@code operation} to the table named. */
        public Mutation read(String tableSchema, String tableName, Operation operation) throws SQLException {
            return new Mutation(tableSchema, tableName, rs.getString(rowId), operation, rs.getString(oldImage),
                    rs.getString(newImage), rs.getString(changedColumns), TxId.parse(rs.getString(txid)));
        }
    }
}

package flux.log;

import flux.dev.testing.TestPostgres;
import flux.pg.Transactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;

/**
 * Writes of {@code public.items (id int PRIMARY KEY, name text)} through the log's own statements:
 * the engine's record CTE (as the compiler embeds it) and capture's {@link WalRecords}.
 */
final class LogWrites {
    static final String TABLE = "CREATE TABLE public.items (id int PRIMARY KEY, name text)";
    private static final String TAG = "SELECT set_config('flux.request_id', ?, true);\n";
    private static final String INSERT = TAG + "WITH flux_w AS (INSERT INTO public.items AS t (id, name)"
            + " VALUES (CAST(? AS integer), ?) RETURNING row_to_json(t.*)::text AS r, NULL::jsonb AS o,"
            + " to_jsonb(t.*) AS n, CAST(t.id AS text) AS k, NULL::text[] AS c),\n "
            + CommittedRecords.cte(Operation.INSERT) + "\nSELECT w.r, " + CommittedRecords.RETURNED + " FROM flux_w w";
    private static final String UPDATE = TAG + "WITH flux_w AS (UPDATE public.items AS t SET name = ?"
            + " WHERE t.id = CAST(? AS integer) RETURNING WITH (OLD AS o, NEW AS n) row_to_json(n.*)::text AS r,"
            + " to_jsonb(o.*) AS o, to_jsonb(n.*) AS n, CAST(n.id AS text) AS k, ARRAY['name'] AS c),\n "
            + CommittedRecords.cte(Operation.UPDATE) + "\nSELECT w.r, " + CommittedRecords.RETURNED + " FROM flux_w w";

    private LogWrites() {
    }

    /** A new database with the log, {@code public.items} and the tenants table capture's records read. */
    static TestPostgres database(TestPostgres pg, String name) throws SQLException {
        TestPostgres db = pg.newDatabase(name);
        LogSchema.install(db.dataSource());
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute(TABLE);
            st.execute("CREATE TABLE flux.tenants (id text PRIMARY KEY, schema_name text UNIQUE)");
        }
        return db;
    }

    /** A connection to {@code db} after emptying the table and the log (ids from 1 again). */
    static Connection emptied(TestPostgres db) throws SQLException {
        Connection c = db.connect();
        try (Statement st = c.createStatement()) {
            st.execute("TRUNCATE public.items, flux.state_mutations RESTART IDENTITY");
        }
        return c;
    }

    /** An engine insert of row {@code id}; returns its mutation as handed back. */
    static Mutation insert(Connection c, String requestId, int id, String name) throws SQLException {
        return write(c, INSERT, requestId, Integer.toString(id), name, Operation.INSERT);
    }

    /** An engine update of row {@code id}'s name. */
    static Mutation update(Connection c, String requestId, int id, String name) throws SQLException {
        return write(c, UPDATE, requestId, name, Integer.toString(id), Operation.UPDATE);
    }

    /** Capture's records of a raw transaction, placed after record {@code placedAfter}. */
    static void raw(Connection c, long txid, Instant committedAt, UntrackedChange... changes) throws SQLException {
        WalRecords.write(c, new TxId(txid), "wal:" + txid, committedAt, List.of(changes));
    }

    static UntrackedChange change(Operation operation, String rowId, String oldImage, String newImage,
                                  long placedAfter) {
        return new UntrackedChange("public", "items", rowId, operation, oldImage, newImage, placedAfter, null);
    }

    static long lastId(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT max(id) FROM flux.state_mutations")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Mutation write(Connection c, String sql, String requestId, String first, String second,
                                  Operation operation) throws SQLException {
        return Transactions.call(c, x -> {
            try (PreparedStatement ps = x.prepareStatement(sql)) {
                ps.setString(1, requestId);
                ps.setString(2, first);
                ps.setString(3, second);
                ps.setString(4, "public");
                ps.setString(5, "items");
                ps.execute();
                ps.getMoreResults();
                try (ResultSet rs = ps.getResultSet()) {
                    CommittedRecords.Reader reader = new CommittedRecords.Reader(rs);
                    rs.next();
                    return reader.read("public", "items", operation);
                }
            }
        });
    }
}

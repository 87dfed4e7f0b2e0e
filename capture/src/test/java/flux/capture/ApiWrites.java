package flux.capture;

import flux.dev.testing.TestPostgres;
import flux.log.Mutation;
import flux.log.Operation;
import flux.log.RolledBackAttempts;
import flux.log.TxId;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Writes the way the Data Engine does (docs/contracts.md), through plain JDBC: in one
 * transaction the request tag, the DML and its {@code flux.state_mutations} record (txid =
 * pg_current_xact_id(), old/new = to_jsonb of the row, row_id = the key's text), as one
 * data-modifying CTE per row. Tables have the shape {@code (id bigint primary key, owner text,
 * balance numeric(12,2), updated_at timestamptz)} in schema public. (The old image is read
 * without FOR UPDATE: a row locked by one sub-statement is skipped by the UPDATE of another.)
 */
final class ApiWrites implements AutoCloseable {
    private static final String RECORD = """
            INSERT INTO flux.state_mutations
                (request_id, txid, table_schema, table_name, row_id, operation, old, new, changed_columns)
            """;
    private final Connection c;

    /** Opens a connection; {@code TestPostgres::connect} is one. */
    interface Connector {
        Connection connect() throws SQLException;
    }

    ApiWrites(Connector db) throws SQLException {
        this.c = db.connect();
        c.setAutoCommit(false);
    }

    ApiWrites(TestPostgres db) throws SQLException {
        this((Connector) db::connect);
    }

    static void createTable(TestPostgres db, String table) throws SQLException {
        createTable((Connector) db::connect, table);
    }

    static void createTable(Connector db, String table) throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS public." + table + " (id bigint PRIMARY KEY, owner text NOT NULL,"
                    + " balance numeric(12,2) NOT NULL, updated_at timestamptz NOT NULL DEFAULT now())");
        }
    }

    /** Runs {@code body} in one tagged transaction and commits. */
    void transaction(String requestId, SqlBody body) throws SQLException {
        try {
            tag(requestId);
            body.run(this);
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        }
    }

    void insert(String requestId, String table, long id, String owner, String balance) throws SQLException {
        transaction(requestId, w -> w.insert(table, id, owner, balance));
    }

    void update(String requestId, String table, long id, String balance) throws SQLException {
        transaction(requestId, w -> w.update(table, id, balance));
    }

    void delete(String requestId, String table, long id) throws SQLException {
        transaction(requestId, w -> w.delete(table, id));
    }

    void insert(String table, long id, String owner, String balance) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("WITH w AS (INSERT INTO public." + table
                + " (id, owner, balance) VALUES (?, ?, ?) RETURNING *) " + RECORD
                + " SELECT current_setting('flux.request_id'), pg_current_xact_id(), 'public', '" + table + "',"
                + " w.id::text, 'INSERT', NULL, to_jsonb(w), NULL FROM w")) {
            st.setLong(1, id);
            st.setString(2, owner);
            st.setBigDecimal(3, new BigDecimal(balance));
            st.executeUpdate();
        }
    }

    void update(String table, long id, String balance) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("WITH o AS (SELECT to_jsonb(t) AS img FROM public." + table
                + " t WHERE id = ?), w AS (UPDATE public." + table
                + " SET balance = ?, updated_at = now() WHERE id = ? RETURNING *) " + RECORD
                + " SELECT current_setting('flux.request_id'), pg_current_xact_id(), 'public', '" + table + "',"
                + " w.id::text, 'UPDATE', o.img, to_jsonb(w),"
                + " ARRAY(SELECT key FROM jsonb_each(to_jsonb(w)) e WHERE e.value IS DISTINCT FROM o.img -> e.key)"
                + " FROM w, o")) {
            st.setLong(1, id);
            st.setBigDecimal(2, new BigDecimal(balance));
            st.setLong(3, id);
            st.executeUpdate();
        }
    }

    void delete(String table, long id) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("WITH w AS (DELETE FROM public." + table
                + " WHERE id = ? RETURNING *) " + RECORD
                + " SELECT current_setting('flux.request_id'), pg_current_xact_id(), 'public', '" + table + "',"
                + " w.id::text, 'DELETE', to_jsonb(w), NULL, NULL FROM w")) {
            st.setLong(1, id);
            st.executeUpdate();
        }
    }

    /**
     * What the engine does when a transaction fails: the attempt rolls back, then its record is
     * written with status rolled_back in a new transaction. Returns the failed transaction's xid8.
     */
    long failedInsert(String requestId, String table, long existingId) throws SQLException {
        long txid;
        String error;
        tag(requestId);
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_current_xact_id()::text")) {
            rs.next();
            txid = Long.parseLong(rs.getString(1));
        }
        try {
            insert(table, existingId, "dup", "0");
            throw new IllegalStateException("expected a unique violation");
        } catch (SQLException e) {
            error = e.getSQLState() + ": " + e.getMessage();
            c.rollback();
        }
        RolledBackAttempts.record(c, requestId, null, List.of(new Mutation("public", table, Long.toString(existingId),
                Operation.INSERT, null, "{\"id\": " + existingId + ", \"owner\": \"dup\", \"balance\": 0}", null,
                new TxId(txid))), error);
        c.commit();
        return txid;
    }

    private void tag(String requestId) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT set_config('flux.request_id', ?, true)")) {
            st.setString(1, requestId);
            st.execute();
        }
    }

    @Override
    public void close() throws SQLException {
        c.close();
    }

    interface SqlBody {
        void run(ApiWrites w) throws SQLException;
    }
}

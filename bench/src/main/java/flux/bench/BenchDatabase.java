package flux.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The benchmark's writes, API-style (docs/contracts.md): data row and mutation record in one
 * transaction, one data-modifying CTE per transaction, as the Data Engine writes them.
 */
final class BenchDatabase {
    private final String jdbcUrl;

    BenchDatabase(String jdbcUrl) {
        this.jdbcUrl = jdbcUrl;
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl);
    }

    void createTable(String table) throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE " + table + " (id bigint PRIMARY KEY, owner text NOT NULL,"
                    + " balance numeric(12,2) NOT NULL, updated_at timestamptz NOT NULL DEFAULT now())");
        }
    }

    /**
     * Inserts ids [from, to] in one transaction tagged with requestId, in one round trip as the
     * engine does: tag and write sent together, committed as one implicit transaction. With three
     * round trips (tag, write, commit) the latency phase's writer threads used 350 µs of CPU per
     * transaction here, 156 µs with one: CPU the load generator took from what it measures.
     */
    static void insertRange(Connection c, String table, String requestId, long from, long to) throws SQLException {
        c.setAutoCommit(true);
        try (PreparedStatement st = c.prepareStatement("SELECT set_config('flux.request_id', ?, true);\n"
                + "WITH w AS (INSERT INTO " + table
                + " (id, owner, balance) SELECT g, 'owner' || g, 1.00 FROM generate_series(?::bigint, ?::bigint) g"
                + " RETURNING *) INSERT INTO flux.state_mutations (request_id, txid, table_schema, table_name,"
                + " row_id, operation, new) SELECT current_setting('flux.request_id'), pg_current_xact_id(),"
                + " 'public', '" + table + "', w.id::text, 'INSERT', to_jsonb(w) FROM w")) {
            st.setString(1, requestId);
            st.setLong(2, from);
            st.setLong(3, to);
            st.execute();
        }
    }

    String currentLsn() throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT pg_current_wal_lsn()::text")) {
            rs.next();
            return rs.getString(1);
        }
    }

    void execute(String sql) throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}

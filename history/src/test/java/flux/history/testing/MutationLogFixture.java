package flux.history.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import flux.pg.Identifiers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.postgresql.util.PSQLException;

/**
 * Writes data rows and their mutation records the way the Data Engine does
 * (docs/contracts.md), with plain JDBC, until tests can write through the engine itself:
 * one transaction per request that sets {@code flux.request_id}, runs the DML and inserts the
 * {@code flux.state_mutations} record; when the DML fails, a rollback and then a
 * {@code rolled_back} record with the error, in a new transaction. Rows are named by a
 * {@link Row} (table plus key values); values are JSON objects (column to value).
 *
 * <p>Test code only: table and column names come from the tests and are quoted, values are bound.
 */
public final class MutationLogFixture {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RECORD = """
            INSERT INTO flux.state_mutations
                (request_id, txid, table_schema, table_name, row_id, operation, old, new, changed_columns,
                 status, error, source)
            VALUES (?, ?::xid8, ?, ?, ?, ?, ?::jsonb, ?::jsonb,
                    CASE WHEN ? = 'UPDATE' THEN ARRAY(
                        SELECT a.attname::text FROM pg_attribute a
                        WHERE a.attrelid = ?::regclass AND a.attnum > 0 AND NOT a.attisdropped
                          AND (?::jsonb -> a.attname::text) IS DISTINCT FROM (?::jsonb -> a.attname::text)
                        ORDER BY a.attnum) END,
                    ?, ?, ?)
            """;

    private final DataSource dataSource;

    public MutationLogFixture(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** A row: {@code schema.table} and its key as a JSON object in key order, e.g. {"id": 42}. */
    public record Row(String schema, String table, String key) {
        public static Row of(String qualifiedTable, String key) {
            int dot = qualifiedTable.indexOf('.');
            return dot < 0 ? new Row("public", qualifiedTable, key)
                    : new Row(qualifiedTable.substring(0, dot), qualifiedTable.substring(dot + 1), key);
        }

        /** row_id per docs/contracts.md: the key's text, or a JSON array of texts for composite keys. */
        public String rowId() {
            ObjectNode k = object(key);
            if (k.size() == 1) {
                return k.elements().next().asText();
            }
            ArrayNode parts = JSON.createArrayNode();
            k.elements().forEachRemaining(v -> parts.add(v.asText()));
            return parts.toString();
        }

        String quotedTable() {
            return Identifiers.qualified(schema, table);
        }
    }

    /** How a write ended: committed, or rolled back with the error recorded. */
    public record Outcome(boolean committed, String error) {
    }

    public Outcome insert(String requestId, Row row, String values) throws SQLException {
        ObjectNode v = object(values);
        String sql = "INSERT INTO " + row.quotedTable() + " (" + columns(v) + ") SELECT " + columns(v)
                + " FROM jsonb_populate_record(NULL::" + row.quotedTable() + ", ?::jsonb) RETURNING to_jsonb("
                + Identifiers.quote(row.table) + ".*)";
        return write(requestId, row, "INSERT", sql, values);
    }

    public Outcome update(String requestId, Row row, String changes) throws SQLException {
        ObjectNode v = object(changes);
        String sql = "UPDATE " + row.quotedTable() + " t SET (" + columns(v) + ") = (SELECT " + columns(v)
                + " FROM jsonb_populate_record(NULL::" + row.quotedTable() + ", ?::jsonb))"
                + " WHERE to_jsonb(t) @> ?::jsonb RETURNING to_jsonb(t.*)";
        return write(requestId, row, "UPDATE", sql, changes);
    }

    public Outcome delete(String requestId, Row row) throws SQLException {
        String sql = "DELETE FROM " + row.quotedTable() + " t WHERE to_jsonb(t) @> ?::jsonb RETURNING NULL::jsonb";
        return write(requestId, row, "DELETE", sql, null);
    }

    /**
     * A write that bypassed the API (raw SQL, no record), then the {@code source = 'wal'}
     * record capture adds for it afterwards, with request id {@code wal:<txid>}.
     */
    public void walUpdate(Row row, String changes) throws SQLException {
        ObjectNode v = object(changes);
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            String old = image(c, row);
            String txid;
            String after;
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + row.quotedTable() + " t SET (" + columns(v)
                    + ") = (SELECT " + columns(v) + " FROM jsonb_populate_record(NULL::" + row.quotedTable()
                    + ", ?::jsonb)) WHERE to_jsonb(t) @> ?::jsonb RETURNING to_jsonb(t.*), pg_current_xact_id()::text")) {
                ps.setString(1, changes);
                ps.setString(2, row.key);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    after = rs.getString(1);
                    txid = rs.getString(2);
                }
            }
            c.commit();
            record(c, "wal:" + txid, txid, row, "UPDATE", old, after, "committed", null, "wal");
            c.commit();
        }
    }

    private Outcome write(String requestId, Row row, String operation, String sql, String values)
            throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            tag(c, requestId);
            String txid = txid(c);
            String old = operation.equals("INSERT") ? null : image(c, row);
            try {
                String after;
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    int i = 1;
                    if (values != null) {
                        ps.setString(i++, values);
                    }
                    if (!operation.equals("INSERT")) {
                        ps.setString(i, row.key);
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            throw new IllegalStateException("no row matches " + row);
                        }
                        after = rs.getString(1);
                    }
                }
                record(c, requestId, txid, row, operation, old, after, "committed", null, "api");
                c.commit();
                return new Outcome(true, null);
            } catch (PSQLException e) {
                c.rollback();
                String error = e.getSQLState() + ": " + (e.getServerErrorMessage() != null
                        ? e.getServerErrorMessage().getMessage() : e.getMessage());
                tag(c, requestId);
                record(c, requestId, txid, row, operation, old, attempted(operation, old, values),
                        "rolled_back", error, "api");
                c.commit();
                return new Outcome(false, error);
            }
        }
    }

    /** The after image the failed write meant to produce. */
    private static String attempted(String operation, String old, String values) {
        if (operation.equals("DELETE")) {
            return null;
        }
        ObjectNode after = old == null ? JSON.createObjectNode() : object(old);
        after.setAll(object(values));
        return after.toString();
    }

    private static void record(Connection c, String requestId, String txid, Row row, String operation, String old,
                               String after, String status, String error, String source) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(RECORD)) {
            ps.setString(1, requestId);
            ps.setString(2, txid);
            ps.setString(3, row.schema);
            ps.setString(4, row.table);
            ps.setString(5, row.rowId());
            ps.setString(6, operation);
            ps.setString(7, old);
            ps.setString(8, after);
            ps.setString(9, operation);
            ps.setString(10, row.quotedTable());
            ps.setString(11, after);
            ps.setString(12, old);
            ps.setString(13, status);
            ps.setString(14, error);
            ps.setString(15, source);
            ps.executeUpdate();
        }
    }

    private static void tag(Connection c, String requestId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT set_config('flux.request_id', ?, true)")) {
            ps.setString(1, requestId);
            ps.execute();
        }
    }

    private static String txid(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_current_xact_id()::text")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static String image(Connection c, Row row) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT to_jsonb(t) FROM " + row.quotedTable()
                + " t WHERE to_jsonb(t) @> ?::jsonb")) {
            ps.setString(1, row.key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static String columns(ObjectNode values) {
        List<String> names = new ArrayList<>();
        for (Iterator<Map.Entry<String, com.fasterxml.jackson.databind.JsonNode>> it = values.fields(); it.hasNext(); ) {
            names.add(Identifiers.quote(it.next().getKey()));
        }
        return String.join(", ", names);
    }

    private static ObjectNode object(String json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException("not a JSON object: " + json, e);
        }
    }
}

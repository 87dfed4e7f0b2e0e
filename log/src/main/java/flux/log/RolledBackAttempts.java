package flux.log;

import flux.pg.DatabaseException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * Records what a failed transaction tried to do, with status {@code rolled_back}, after its
 * rollback, in a new transaction (committed records are written by the write statement itself,
 * {@link CommittedRecords}).
 */
public final class RolledBackAttempts {
    /** The materialized {@code x} gives the transaction its id before the first record id is taken. */
    private static final String INSERT = """
            WITH x AS MATERIALIZED (SELECT pg_current_xact_id())
            INSERT INTO flux.state_mutations (request_id, txid, table_schema, table_name, row_id, operation,
                                              old, new, changed_columns, status, error, tenant_id)
            SELECT ?, CAST(u.txid AS xid8), u.s, u.t, u.k, u.op, CAST(u.o AS jsonb), CAST(u.n AS jsonb),
                   CASE WHEN u.c IS NULL THEN NULL
                        ELSE ARRAY(SELECT jsonb_array_elements_text(CAST(u.c AS jsonb))) END,
                   'rolled_back', ?, ?
              FROM x, unnest(CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]),
                          CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]))
                   WITH ORDINALITY AS u(txid, s, t, k, op, o, n, c, i)
             ORDER BY u.i
            """;

    private RolledBackAttempts() {
    }

    /**
     * Records {@code attempts} as rolled back with {@code error} ({@code SQLSTATE: message}), in
     * the order given, in one statement; the connection in autocommit. {@code tenantId} is the
     * tenant the request acted for, null without one.
     */
    public static void record(Connection connection, String requestId, String tenantId, List<Mutation> attempts,
                              String error) {
        if (attempts.isEmpty()) {
            return;
        }
        int n = attempts.size();
        String[][] columns = new String[8][n];
        for (int i = 0; i < n; i++) {
            Mutation m = attempts.get(i);
            columns[0][i] = m.txid() == null ? null : m.txid().toString();
            columns[1][i] = m.tableSchema();
            columns[2][i] = m.tableName();
            columns[3][i] = m.rowId();
            columns[4][i] = m.operation().name();
            columns[5][i] = m.oldImage();
            columns[6][i] = m.newImage();
            columns[7][i] = m.changedColumns();
        }
        try (PreparedStatement ps = connection.prepareStatement(INSERT)) {
            ps.setString(1, requestId);
            ps.setString(2, error);
            ps.setString(3, tenantId);
            for (int c = 0; c < columns.length; c++) {
                ps.setArray(4 + c, connection.createArrayOf("text", columns[c]));
            }
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new DatabaseException(e);
        }
    }
}

package flux.log;

import flux.pg.DatabaseException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The SQL console's marks on its transactions that wrote ({@code flux.console_transactions}, DDL in
 * {@code flux/log/mutation-log.sql}): each with the request id the console gave it. The console
 * writes the mark on a connection of its own before the marked transaction commits, so capture,
 * which sees a transaction only after its commit, always finds it: {@link WalRecords} then gives
 * that transaction's records {@code source = 'console'} and this request id instead of
 * {@code 'wal'} and {@code wal:<txid>}. Kept beside the log because it decides what the log
 * records; tenants have no right on it.
 */
public final class ConsoleTransactions {
    private static final String MARK = """
            INSERT INTO flux.console_transactions (txid, request_id, key_id, tenant_id) VALUES (?::text::xid8, ?, ?, ?)""";
    private static final String REQUEST = "SELECT request_id FROM flux.console_transactions WHERE txid = ?::text::xid8";

    private ConsoleTransactions() {
    }

    /**
     * Marks transaction {@code txid} as the console's run {@code requestId}, on {@code c} (not the
     * marked transaction's own connection: the mark must be committed first).
     *
     * @param keyId    the caller's API key id; null in open mode
     * @param tenantId the caller's tenant; null for the operator
     */
    public static void mark(Connection c, TxId txid, String requestId, String keyId, String tenantId) {
        try (PreparedStatement ps = c.prepareStatement(MARK)) {
            ps.setString(1, txid.toString());
            ps.setString(2, requestId);
            ps.setString(3, keyId);
            ps.setString(4, tenantId);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new DatabaseException(e);
        }
    }

    /** The request id the console marked {@code txid} with; null: not a console transaction. */
    static String requestOf(Connection c, TxId txid) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(REQUEST)) {
            ps.setString(1, txid.toString());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString("request_id") : null;
            }
        }
    }
}

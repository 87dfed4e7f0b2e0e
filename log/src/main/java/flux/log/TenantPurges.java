package flux.log;

import flux.pg.DatabaseException;
import flux.pg.LockKeys;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The marks of tenant purges ({@code flux.tenant_purges}, DDL in {@code flux/log/mutation-log.sql}):
 * what keeps capture from writing a purged tenant's history back. A purge deletes the tenant's
 * rows with plain SQL, which capture reads from the WAL as writes that bypassed the API, possibly
 * long after (capture lagging, or stopped); without a mark it would record them as the tenant's
 * {@code wal} records after the purge removed its history. So a purge {@link #begin}s with a mark
 * (from then on capture records none of the tenant's changes) and {@link #end}s by closing it
 * with a snapshot (from then on, none of the tenant's changes in a transaction committed before);
 * {@link WalRecords} asks {@link #applying} before its records commit. Capture still publishes the
 * changes to Kafka: a purge's deletions are DELETE messages with the tenant, under the purge's
 * request id.
 *
 * <p>Why the lock ({@link LockKeys#TENANT_PURGE}): capture's record write and the purge's mark
 * are two transactions. {@link #begin} holds the lock exclusively and {@link #applying} takes it
 * shared before it reads the marks, so a record write either committed before the mark did (and
 * the purge, which deletes the tenant's history after {@link #begin}, deletes its records), or
 * reads the mark (a new statement after the lock, so a new snapshot under READ COMMITTED).
 */
public final class TenantPurges {
    /** A mark opened again by a resumed purge keeps its request id; a new purge of a reused id gets a new one. */
    private static final String BEGIN = """
            INSERT INTO flux.tenant_purges AS p (tenant_id, request_id) VALUES (?, ?)
            ON CONFLICT (tenant_id) DO UPDATE SET
                request_id = CASE WHEN p.ended IS NULL THEN p.request_id ELSE EXCLUDED.request_id END,
                started_at = CASE WHEN p.ended IS NULL THEN p.started_at ELSE now() END,
                ended = NULL
            RETURNING request_id""";
    private static final String END = "UPDATE flux.tenant_purges SET ended = pg_current_snapshot() WHERE tenant_id = ?";
    private static final String APPLYING = """
            SELECT tenant_id, request_id FROM flux.tenant_purges
             WHERE tenant_id = ANY (?) AND (ended IS NULL OR pg_visible_in_snapshot(?::text::xid8, ended))""";

    private TenantPurges() {
    }

    /**
     * Marks the tenant as being purged, in the caller's transaction, which should commit before the
     * purge deletes anything; returns the purge's request id (a purge resumed after an interruption
     * gets the one it had).
     */
    public static String begin(Connection c, String tenantId) {
        LockKeys.TENANT_PURGE.lockForTransaction(c);
        try (PreparedStatement ps = c.prepareStatement(BEGIN)) {
            ps.setString(1, tenantId);
            ps.setString(2, "purge:" + UUID.randomUUID());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString("request_id");
            }
        } catch (SQLException e) {
            throw new DatabaseException(e);
        }
    }

    /**
     * Closes the tenant's mark once everything of it is deleted, in the caller's transaction: changes
     * of transactions committed before stay unrecorded; later ones (a new tenant with the same id)
     * are recorded as any.
     */
    public static void end(Connection c, String tenantId) {
        try (PreparedStatement ps = c.prepareStatement(END)) {
            ps.setString(1, tenantId);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new DatabaseException(e);
        }
    }

    /**
     * Of {@code tenants}, those whose changes in transaction {@code txid} are not to be recorded,
     * each with its purge's request id; in the caller's transaction, which holds the lock shared
     * from here to its end.
     */
    static Map<String, String> applying(Connection c, TxId txid, Collection<String> tenants) throws SQLException {
        LockKeys.TENANT_PURGE.lockSharedForTransaction(c);
        Map<String, String> purges = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(APPLYING)) {
            ps.setArray(1, c.createArrayOf("text", tenants.toArray()));
            ps.setString(2, txid.toString());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    purges.put(rs.getString("tenant_id"), rs.getString("request_id"));
                }
            }
        }
        return purges;
    }
}

package flux.console;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The console's audit log: every statement is entered before it runs and completed when its
 * transaction ends. Written and read as the server's login role on its own connections, never on
 * the connection the statements run on, so an entry outlives the rollback of what it records.
 * Thread-safe.
 */
public final class ConsoleAudit {
    static final String OUTCOME_RUNNING = "running";
    static final String OUTCOME_COMMITTED = "committed";
    static final String OUTCOME_ROLLED_BACK = "rolled_back";
    static final String OUTCOME_REFUSED = "refused";

    private static final String BEGIN = """
            INSERT INTO flux.console_audit (key_id, tenant_id, db_role, request_id, statement, outcome, error)
            VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id""";
    private static final String FINISH = """
            UPDATE flux.console_audit SET duration_ms = ?, row_count = ?, error = ?, outcome = ? WHERE id = ?""";
    private static final String COLUMNS = """
            SELECT id, at, key_id, tenant_id, db_role, request_id, statement, duration_ms, row_count, error, outcome
              FROM flux.console_audit""";
    // Keyset pages, newest first; a tenant's through (tenant_id, id).
    private static final String PAGE = COLUMNS + " WHERE id < ? ORDER BY id DESC LIMIT ?";
    private static final String TENANT_PAGE = COLUMNS + " WHERE tenant_id = ? AND id < ? ORDER BY id DESC LIMIT ?";

    private final DataSource dataSource;

    public ConsoleAudit(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Enters a statement about to run ({@code running}), or one refused ({@code refused}, with why). */
    long enter(Connection c, ConsoleCaller caller, String dbRole, String requestId, String statement, String refusal)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(BEGIN)) {
            ps.setString(1, caller.keyId());
            ps.setString(2, caller.tenantId());
            ps.setString(3, dbRole);
            ps.setString(4, requestId);
            ps.setString(5, statement);
            ps.setString(6, refusal == null ? OUTCOME_RUNNING : OUTCOME_REFUSED);
            ps.setString(7, refusal);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Completes the entries of a run's statements with how they ran and how their transaction ended. */
    void complete(Connection c, List<StatementResult> results, String outcome) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(FINISH)) {
            for (StatementResult r : results) {
                ps.setDouble(1, r.durationMs());
                if (r.rowCount() < 0) {
                    ps.setNull(2, Types.BIGINT);
                } else {
                    ps.setLong(2, r.rowCount());
                }
                ps.setString(3, r.error());
                ps.setString(4, outcome);
                ps.setLong(5, r.auditId());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * A page of entries, newest first: every tenant's for a caller without a tenant, otherwise
     * only the caller's tenant's.
     *
     * @param beforeId entries with a smaller id than this (null: from the newest)
     */
    public List<AuditEntry> list(ConsoleCaller caller, Long beforeId, int limit) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(caller.hasTenant() ? TENANT_PAGE : PAGE)) {
            int i = 1;
            if (caller.hasTenant()) {
                ps.setString(i++, caller.tenantId());
            }
            ps.setLong(i++, beforeId == null ? Long.MAX_VALUE : beforeId);
            ps.setInt(i, Math.max(1, Math.min(limit, 1000)));
            List<AuditEntry> entries = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    entries.add(new AuditEntry(rs.getLong(1), rs.getTimestamp(2).toInstant(), rs.getString(3),
                            rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7),
                            (Double) rs.getObject(8), (Long) rs.getObject(9), rs.getString(10), rs.getString(11)));
                }
            }
            return entries;
        }
    }
}

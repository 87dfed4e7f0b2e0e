package flux.capture.verify;

import flux.capture.pg.PgConnections;
import flux.capture.wal.WalChange;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Completes the mutation log for writes that bypassed the API: one {@code source = 'wal'}
 * record per untracked change, all of one source transaction in one capture transaction.
 * Replays after a restart are harmless: a transaction that already has {@code wal} records is
 * skipped. Images are re-rendered by PostgreSQL itself ({@code to_jsonb} of
 * {@code jsonb_populate_record}) so they have exactly the engine's form; if the table is gone
 * by then, the WAL rendering is stored as is.
 *
 * <p>These inserts come back through the WAL as records with {@code source = 'wal'};
 * {@link CrossCheck} ignores those, so nothing feeds back. A row with a {@code tenant_id}
 * column (row-level tenancy) gives its record that tenant, so the tenant's history has it.
 */
public final class WalRecordWriter {
    private static final Logger log = LoggerFactory.getLogger(WalRecordWriter.class);

    private static final String ALREADY_RECORDED =
            "SELECT EXISTS (SELECT 1 FROM flux.state_mutations WHERE txid = ?::text::xid8 AND source = 'wal')";
    // %s is the table's type, a quoted identifier built by PgConnections.quote() from the WAL's relation names.
    private static final String INSERT_RENDERED = """
            INSERT INTO flux.state_mutations
                (request_id, txid, table_schema, table_name, row_id, operation, old, new, changed_columns, source,
                 tenant_id)
            SELECT ?, ?::text::xid8, ?, ?, ?, ?, i.o, i.n,
                   CASE WHEN ? = 'UPDATE' THEN ARRAY(
                       SELECT a.attname::text FROM pg_attribute a
                        WHERE a.attrelid = ?::regclass AND a.attnum > 0 AND NOT a.attisdropped
                          AND (i.o -> a.attname::text) IS DISTINCT FROM (i.n -> a.attname::text)
                        ORDER BY a.attnum) END,
                   'wal', coalesce(i.n, i.o) ->> 'tenant_id'
              FROM (SELECT CASE WHEN ?::jsonb IS NULL THEN NULL
                                ELSE to_jsonb(jsonb_populate_record(NULL::%1$s, ?::jsonb)) END AS o,
                           CASE WHEN ?::jsonb IS NULL THEN NULL
                                ELSE to_jsonb(jsonb_populate_record(NULL::%1$s, ?::jsonb)) END AS n) i
            """;
    private static final String INSERT_AS_DECODED = """
            INSERT INTO flux.state_mutations
                (request_id, txid, table_schema, table_name, row_id, operation, old, new, source, tenant_id)
            VALUES (?, ?::text::xid8, ?, ?, ?, ?, ?::jsonb, ?::jsonb, 'wal', coalesce(?::jsonb, ?::jsonb) ->> 'tenant_id')
            """;

    /** Writes the records unless this transaction's were written before; returns how many it wrote. */
    public int write(Connection c, long txid8, String requestId, List<WalChange> untracked) throws SQLException {
        if (untracked.isEmpty()) {
            return 0;
        }
        String txid = Long.toUnsignedString(txid8);
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            if (alreadyRecorded(c, txid)) {
                c.rollback();
                return 0;
            }
            // pg_current_xact_id(): a transaction id before any record id (see flux-schema.sql).
            try (PreparedStatement tag = c.prepareStatement(
                    "SELECT set_config('flux.request_id', ?, true), pg_current_xact_id()")) {
                tag.setString(1, requestId);
                tag.execute();
            }
            for (WalChange change : untracked) {
                insert(c, txid, requestId, change);
            }
            c.commit();
            return untracked.size();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }

    private static boolean alreadyRecorded(Connection c, String txid) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(ALREADY_RECORDED)) {
            st.setString(1, txid);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private static void insert(Connection c, String txid, String requestId, WalChange change) throws SQLException {
        String before = change.before() == null ? null : change.before().toString();
        String after = change.after() == null ? null : change.after().toString();
        String type = PgConnections.quote(change.schema()) + "." + PgConnections.quote(change.table());
        try (PreparedStatement sp = c.prepareStatement("SAVEPOINT flux_wal_record")) {
            sp.execute();
        }
        try (PreparedStatement st = c.prepareStatement(String.format(INSERT_RENDERED, type))) {
            int i = 0;
            st.setString(++i, requestId);
            st.setString(++i, txid);
            st.setString(++i, change.schema());
            st.setString(++i, change.table());
            st.setString(++i, change.rowId());
            st.setString(++i, change.operation().name());
            st.setString(++i, change.operation().name());
            st.setString(++i, type);
            st.setString(++i, before);
            st.setString(++i, before);
            st.setString(++i, after);
            st.setString(++i, after);
            st.executeUpdate();
            return;
        } catch (SQLException e) {
            // e.g. the table was dropped or altered since the change: keep the WAL's rendering
            log.debug("re-rendering images of {} failed ({}); storing them as decoded", type, e.getMessage());
            try (PreparedStatement rb = c.prepareStatement("ROLLBACK TO SAVEPOINT flux_wal_record")) {
                rb.execute();
            }
        }
        try (PreparedStatement st = c.prepareStatement(INSERT_AS_DECODED)) {
            st.setString(1, requestId);
            st.setString(2, txid);
            st.setString(3, change.schema());
            st.setString(4, change.table());
            st.setString(5, change.rowId());
            st.setString(6, change.operation().name());
            st.setString(7, before);
            st.setString(8, after);
            st.setString(9, after);
            st.setString(10, before);
            st.executeUpdate();
        }
    }
}

package flux.capture.verify;

import flux.capture.pg.PgConnections;
import flux.capture.wal.WalChange;
import flux.capture.wal.WalMutationRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Completes the mutation log for writes that bypassed the API: one {@code source = 'wal'}
 * record per untracked change, all of one source transaction in one capture transaction. A
 * transaction the SQL console marked ({@code flux.console_transactions}, written before it
 * committed) gets {@code source = 'console'} and the console's request id instead.
 * Replays after a restart are harmless: a transaction that already has {@code wal} records is
 * not written again. Images are re-rendered by PostgreSQL itself ({@code to_jsonb} of
 * {@code jsonb_populate_record}) so they have exactly the engine's form; if the table is gone
 * by then, the WAL rendering is stored as is.
 *
 * <p>These inserts come back through the WAL as records with {@code source = 'wal'};
 * {@link CrossCheck} ignores those, so nothing feeds back.
 *
 * <p>Each record gets the tenant whose history it belongs in: the tenant that owns the table's
 * schema ({@code flux.tenants.schema_name}, schema-mode tenancy), else the row's own
 * {@code tenant_id} column (row-level tenancy), else none. {@link #write} returns them, so the
 * Kafka messages carry the tenant the log has.
 */
public final class WalRecordWriter {
    private static final Logger log = LoggerFactory.getLogger(WalRecordWriter.class);

    /** The tenants of the records written for a transaction before, in the order of its changes. */
    // Two arms, so each uses its partial index (flux-schema.sql).
    private static final String RECORDED = """
            SELECT tenant_id, request_id, source FROM (
                SELECT id, tenant_id, request_id, source FROM flux.state_mutations
                 WHERE txid = ?::text::xid8 AND source = 'wal'
                UNION ALL
                SELECT id, tenant_id, request_id, source FROM flux.state_mutations
                 WHERE txid = ?::text::xid8 AND source = 'console') r
             ORDER BY id""";
    /** The console's mark of a transaction: its request id (null row: not the console's). */
    private static final String CONSOLE_MARK = "SELECT request_id FROM flux.console_transactions WHERE txid = ?::text::xid8";
    /*
     * The owner of the schema is looked up here, in the insert, rather than from a cache in
     * capture: raw SQL writes are rare (API writes never come here), the unique index on
     * schema_name makes it one probe, and a tenant provisioned a moment ago, on any server, is
     * seen without invalidation. The schema owner goes first: in a tenant's schema a tenant_id
     * column is that tenant's data, as it is for the engine (a schema tenant's API writes take the
     * transaction's tenant, whatever the row holds).
     */
    private static final String TENANT = "coalesce(owner.id, coalesce(i.n, i.o) ->> 'tenant_id')";
    private static final String OWNER = "LEFT JOIN flux.tenants owner ON owner.schema_name = ?";
    // %1$s is the table's type, a quoted identifier built by PgConnections.quote() from the WAL's relation names.
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
                   ?, %2$s
              FROM (SELECT CASE WHEN ?::jsonb IS NULL THEN NULL
                                ELSE to_jsonb(jsonb_populate_record(NULL::%1$s, ?::jsonb)) END AS o,
                           CASE WHEN ?::jsonb IS NULL THEN NULL
                                ELSE to_jsonb(jsonb_populate_record(NULL::%1$s, ?::jsonb)) END AS n) i
              %3$s
            RETURNING tenant_id
            """;
    private static final String INSERT_AS_DECODED = """
            INSERT INTO flux.state_mutations
                (request_id, txid, table_schema, table_name, row_id, operation, old, new, source, tenant_id)
            SELECT ?, ?::text::xid8, ?, ?, ?, ?, i.o, i.n, ?, %s
              FROM (SELECT ?::jsonb AS o, ?::jsonb AS n) i
              %s
            RETURNING tenant_id
            """.formatted(TENANT, OWNER);

    /**
     * What {@link #write} did: how many records it wrote (0 for a transaction recorded before),
     * each untracked change's tenant as its record has it (null: none), in the order given, and
     * the request id and source the records have ({@code wal}, or {@code console} with the
     * console's request id).
     */
    public record Recorded(int written, List<String> tenants, String requestId, String source) {
    }

    /** Writes the records unless this transaction's were written before; either way returns their tenants. */
    public Recorded write(Connection c, long txid8, String requestId, List<WalChange> untracked) throws SQLException {
        if (untracked.isEmpty()) {
            return new Recorded(0, List.of(), requestId, WalMutationRecord.SOURCE_WAL);
        }
        String txid = Long.toUnsignedString(txid8);
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            List<String[]> recorded = recorded(c, txid);
            if (!recorded.isEmpty()) {
                c.rollback();
                return new Recorded(0, aligned(recorded, untracked.size(), txid), recorded.get(0)[1],
                        recorded.get(0)[2]);
            }
            String consoleRequest = consoleRequest(c, txid);
            String origin = consoleRequest == null ? requestId : consoleRequest;
            String source = consoleRequest == null ? WalMutationRecord.SOURCE_WAL : WalMutationRecord.SOURCE_CONSOLE;
            // pg_current_xact_id(): a transaction id before any record id (see flux-schema.sql).
            try (PreparedStatement tag = c.prepareStatement(
                    "SELECT set_config('flux.request_id', ?, true), pg_current_xact_id()")) {
                tag.setString(1, origin);
                tag.execute();
            }
            List<String> tenants = new ArrayList<>(untracked.size());
            for (WalChange change : untracked) {
                tenants.add(insert(c, txid, origin, source, change));
            }
            c.commit();
            return new Recorded(untracked.size(), tenants, origin, source);
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }

    /** {tenant, request id, source} of each record written for this transaction before. */
    private static List<String[]> recorded(Connection c, String txid) throws SQLException {
        List<String[]> records = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement(RECORDED)) {
            st.setString(1, txid);
            st.setString(2, txid);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    records.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
                }
            }
        }
        return records;
    }

    private static String consoleRequest(Connection c, String txid) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(CONSOLE_MARK)) {
            st.setString(1, txid);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /**
     * A replayed transaction has the same untracked changes as when its records were written, in
     * the same order; should the counts differ, its messages go without a tenant rather than a
     * wrong one.
     */
    private static List<String> aligned(List<String[]> recorded, int changes, String txid) {
        if (recorded.size() == changes) {
            return recorded.stream().map(r -> r[0]).toList();
        }
        log.warn("transaction {} has {} record(s) with source 'wal' for {} untracked change(s); publishing them"
                + " without a tenant", txid, recorded.size(), changes);
        return Collections.nCopies(changes, null);
    }

    /** Inserts one change's record; returns the tenant it was given. */
    private static String insert(Connection c, String txid, String requestId, String source, WalChange change)
            throws SQLException {
        String before = change.before() == null ? null : change.before().toString();
        String after = change.after() == null ? null : change.after().toString();
        String type = PgConnections.quote(change.schema()) + "." + PgConnections.quote(change.table());
        try (PreparedStatement sp = c.prepareStatement("SAVEPOINT flux_wal_record")) {
            sp.execute();
        }
        try (PreparedStatement st = c.prepareStatement(String.format(INSERT_RENDERED, type, TENANT, OWNER))) {
            int i = bindTarget(st, txid, requestId, change);
            st.setString(++i, change.operation().name());
            st.setString(++i, type);
            st.setString(++i, source);
            st.setString(++i, before);
            st.setString(++i, before);
            st.setString(++i, after);
            st.setString(++i, after);
            st.setString(++i, change.schema());
            return tenant(st);
        } catch (SQLException e) {
            // e.g. the table was dropped or altered since the change: keep the WAL's rendering
            log.debug("re-rendering images of {} failed ({}); storing them as decoded", type, e.getMessage());
            try (PreparedStatement rb = c.prepareStatement("ROLLBACK TO SAVEPOINT flux_wal_record")) {
                rb.execute();
            }
        }
        try (PreparedStatement st = c.prepareStatement(INSERT_AS_DECODED)) {
            int i = bindTarget(st, txid, requestId, change);
            st.setString(++i, source);
            st.setString(++i, before);
            st.setString(++i, after);
            st.setString(++i, change.schema());
            return tenant(st);
        }
    }

    /** Binds the first six parameters both inserts share; returns the last index bound. */
    private static int bindTarget(PreparedStatement st, String txid, String requestId, WalChange change)
            throws SQLException {
        st.setString(1, requestId);
        st.setString(2, txid);
        st.setString(3, change.schema());
        st.setString(4, change.table());
        st.setString(5, change.rowId());
        st.setString(6, change.operation().name());
        return 6;
    }

    private static String tenant(PreparedStatement insert) throws SQLException {
        try (ResultSet rs = insert.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }
}

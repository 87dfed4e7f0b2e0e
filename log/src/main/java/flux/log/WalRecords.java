package flux.log;

import flux.pg.Identifiers;
import flux.pg.Transactions;
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
 * Completes the log for writes that bypassed the API: one {@code source = 'wal'} record per
 * untracked change, all of one source transaction in one transaction here. A transaction the SQL
 * console marked ({@link ConsoleTransactions}) gets {@code source = 'console'} and the console's
 * request id instead. Replays are harmless: a transaction that already has {@code wal} or
 * {@code console} records is not written again (looked up through the partial indexes
 * {@code state_mutations_wal_txid_idx} and {@code state_mutations_console_txid_idx}). Images are re-rendered by PostgreSQL
 * itself ({@code to_jsonb} of {@code jsonb_populate_record} through the table's row type) so they
 * have exactly the engine's form; if the table is gone or altered by then, the WAL's rendering is
 * stored as it is.
 *
 * <p>Each record gets the tenant whose history it belongs in: the tenant that owns the table's
 * schema ({@code flux.tenants.schema_name}, schema-mode tenancy; tenancy's table, see
 * {@link LogSchema}), else the row's own {@code tenant_id} column (row-level tenancy), else none.
 */
public final class WalRecords {
    private static final Logger log = LoggerFactory.getLogger(WalRecords.class);

    /** The records written for a transaction before, in the order of its changes. Two arms, so each uses its partial index. */
    private static final String RECORDED = """
            SELECT tenant_id, request_id, source FROM (
                SELECT id, tenant_id, request_id, source FROM flux.state_mutations
                 WHERE txid = ?::text::xid8 AND source = 'wal'
                UNION ALL
                SELECT id, tenant_id, request_id, source FROM flux.state_mutations
                 WHERE txid = ?::text::xid8 AND source = 'console') r
             ORDER BY id""";
    /** The request tag; and pg_current_xact_id(): a transaction id before any record id (see mutation-log.sql). */
    private static final String TAG = "SELECT set_config('flux.request_id', ?, true), pg_current_xact_id()";
    /*
     * In both inserts, the owner of the schema is looked up in the insert, rather than from a
     * cache in capture: raw SQL writes are rare (API writes never come here), the unique index on
     * schema_name makes it one probe, and a tenant provisioned a moment ago, on any server, is
     * seen without invalidation. The schema owner goes first: in a tenant's schema a tenant_id
     * column is that tenant's data, as it is for the engine (a schema tenant's API writes take the
     * transaction's tenant, whatever the row holds). In the first, NULL::ROW_TYPE stands for the
     * table's row type (insertRendered).
     */
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
                   ?, coalesce(owner.id, coalesce(i.n, i.o) ->> 'tenant_id')
              FROM (SELECT CASE WHEN ?::jsonb IS NULL THEN NULL
                                ELSE to_jsonb(jsonb_populate_record(NULL::ROW_TYPE, ?::jsonb)) END AS o,
                           CASE WHEN ?::jsonb IS NULL THEN NULL
                                ELSE to_jsonb(jsonb_populate_record(NULL::ROW_TYPE, ?::jsonb)) END AS n) i
              LEFT JOIN flux.tenants owner ON owner.schema_name = ?
            RETURNING tenant_id
            """;
    private static final String INSERT_AS_DECODED = """
            INSERT INTO flux.state_mutations
                (request_id, txid, table_schema, table_name, row_id, operation, old, new, source, tenant_id)
            SELECT ?, ?::text::xid8, ?, ?, ?, ?, i.o, i.n, ?, coalesce(owner.id, coalesce(i.n, i.o) ->> 'tenant_id')
              FROM (SELECT ?::jsonb AS o, ?::jsonb AS n) i
              LEFT JOIN flux.tenants owner ON owner.schema_name = ?
            RETURNING tenant_id
            """;

    private WalRecords() {
    }

    /**
     * What {@link #write} did: how many records it wrote (0 for a transaction recorded before),
     * each untracked change's tenant as its record has it (null: none), in the order given, and
     * the request id and source the records have ({@code console} and the console's request id
     * for a transaction the console marked).
     */
    public record Recorded(int written, List<String> tenants, String requestId, Source source) {
    }

    /**
     * Records the untracked changes of transaction {@code txid} under {@code requestId} (or the
     * console's, for a transaction it marked), unless that transaction's were recorded before;
     * either way returns their tenants, request id and source. One transaction
     * on {@code c}, which is left in the autocommit mode it had.
     */
    public static Recorded write(Connection c, TxId txid, String requestId, List<UntrackedChange> untracked)
            throws SQLException {
        if (untracked.isEmpty()) {
            return new Recorded(0, List.of(), requestId, Source.WAL);
        }
        return Transactions.call(c, x -> {
            List<Earlier> recorded = recorded(x, txid);
            if (!recorded.isEmpty()) {
                Earlier first = recorded.get(0);
                return new Recorded(0, aligned(recorded, untracked.size(), txid), first.requestId(), first.source());
            }
            String consoleRequest = ConsoleTransactions.requestOf(x, txid);
            String origin = consoleRequest == null ? requestId : consoleRequest;
            Source source = consoleRequest == null ? Source.WAL : Source.CONSOLE;
            try (PreparedStatement tag = x.prepareStatement(TAG)) {
                tag.setString(1, origin);
                tag.execute();
            }
            List<String> tenants = new ArrayList<>(untracked.size());
            for (UntrackedChange change : untracked) {
                tenants.add(insert(x, txid, origin, source, change));
            }
            return new Recorded(untracked.size(), tenants, origin, source);
        });
    }

    /**
     * {@link #INSERT_RENDERED} for one table: its row type is the only thing in the text that is not
     * fixed, a name from the WAL's relation message (the catalog's), quoted.
     */
    static String insertRendered(String tableSchema, String tableName) {
        return INSERT_RENDERED.replace("NULL::ROW_TYPE", "NULL::" + Identifiers.qualified(tableSchema, tableName));
    }

    /** A record written for a transaction before: its tenant, request id and source. */
    private record Earlier(String tenantId, String requestId, Source source) {
    }

    private static List<Earlier> recorded(Connection c, TxId txid) throws SQLException {
        List<Earlier> records = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement(RECORDED)) {
            st.setString(1, txid.toString());
            st.setString(2, txid.toString());
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    records.add(new Earlier(rs.getString("tenant_id"), rs.getString("request_id"),
                            Source.of(rs.getString("source"))));
                }
            }
        }
        return records;
    }

    /**
     * A replayed transaction has the same untracked changes as when its records were written, in
     * the same order; should the counts differ, its messages go without a tenant rather than a
     * wrong one.
     */
    private static List<String> aligned(List<Earlier> recorded, int changes, TxId txid) {
        if (recorded.size() == changes) {
            return recorded.stream().map(Earlier::tenantId).toList();
        }
        log.warn("transaction {} has {} record(s) with source 'wal' or 'console' for {} untracked change(s); publishing them"
                + " without a tenant", txid, recorded.size(), changes);
        return Collections.nCopies(changes, null);
    }

    /** Inserts one change's record; returns the tenant it was given. */
    private static String insert(Connection c, TxId txid, String requestId, Source source, UntrackedChange change)
            throws SQLException {
        String table = Identifiers.qualified(change.tableSchema(), change.tableName());
        try {
            return Transactions.inSavepoint(c, x -> {
                try (PreparedStatement st = x.prepareStatement(insertRendered(change.tableSchema(), change.tableName()))) {
                    int i = bindTarget(st, txid, requestId, change);
                    st.setString(++i, change.operation().name());
                    st.setString(++i, table);
                    st.setString(++i, source.stored());
                    st.setString(++i, change.oldImage());
                    st.setString(++i, change.oldImage());
                    st.setString(++i, change.newImage());
                    st.setString(++i, change.newImage());
                    st.setString(++i, change.tableSchema());
                    return tenant(st);
                }
            });
        } catch (SQLException e) {
            // e.g. the table was dropped or altered since the change: keep the WAL's rendering
            log.debug("re-rendering images of {} failed ({}); storing them as decoded", table, e.getMessage());
        }
        try (PreparedStatement st = c.prepareStatement(INSERT_AS_DECODED)) {
            int i = bindTarget(st, txid, requestId, change);
            st.setString(++i, source.stored());
            st.setString(++i, change.oldImage());
            st.setString(++i, change.newImage());
            st.setString(++i, change.tableSchema());
            return tenant(st);
        }
    }

    /** Binds the first six parameters both inserts share; returns the last index bound. */
    private static int bindTarget(PreparedStatement st, TxId txid, String requestId, UntrackedChange change)
            throws SQLException {
        st.setString(1, requestId);
        st.setString(2, txid.toString());
        st.setString(3, change.tableSchema());
        st.setString(4, change.tableName());
        st.setString(5, change.rowId());
        st.setString(6, change.operation().name());
        return 6;
    }

    private static String tenant(PreparedStatement insert) throws SQLException {
        try (ResultSet rs = insert.executeQuery()) {
            rs.next();
            return rs.getString("tenant_id");
        }
    }
}

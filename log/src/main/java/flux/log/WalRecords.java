package flux.log;

import flux.pg.DatabaseException;
import flux.pg.Identifiers;
import flux.pg.Transactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Completes the log for writes that bypassed the API: one {@code source = 'wal'} record per
 * untracked change (a TRUNCATE: one table-level record), all of one source transaction in one
 * transaction here, each placed in commit order by capture ({@link UntrackedChange#placedAfter})
 * and dated by the transaction's commit time. A transaction the SQL console marked
 * ({@link ConsoleTransactions}) gets {@code source = 'console'} and the console's request id
 * instead, placed and dated the same way. Replays are harmless: a transaction that already has
 * its records is not written again (a {@code wal} transaction's are found through the partial
 * index {@code state_mutations_wal_txid_idx}; a console transaction's through the request index,
 * by the console's request id, which is new for each run: the console's records need no index of
 * their own, which every API write would pay for). Images are re-rendered by PostgreSQL
 * itself ({@code to_jsonb} of {@code jsonb_populate_record} through the table's row type) so they
 * have exactly the engine's form; if the table is gone or altered by then, the WAL's rendering is
 * stored as it is.
 *
 * <p>Each record gets the tenant whose history it belongs in: the tenant that owns the table's
 * schema ({@code flux.tenants.schema_name}, schema-mode tenancy; tenancy's table, see
 * {@link LogSchema}), else the row's own {@code tenant_id} column (row-level tenancy), else none.
 * A tenant being purged, or purged before the transaction committed ({@link TenantPurges}), gets
 * no records: they are deleted in the same transaction, before it commits; the changes keep
 * their tenant for Kafka, and a transaction made only of one purge's changes its request id.
 * Capture gives a snapshot's READ messages, which have no record, the tenant by the same rule
 * ({@link #schemaOwner}, then the row's column).
 */
public final class WalRecords {
    private static final Logger log = LoggerFactory.getLogger(WalRecords.class);

    /** The records written before for a transaction, in the order of its changes: by the partial index on txid. */
    private static final String RECORDED_WAL = """
            SELECT tenant_id, request_id FROM flux.state_mutations
             WHERE txid = ?::text::xid8 AND source = 'wal' ORDER BY id""";
    /**
     * The same for a transaction the console marked: by the run's request id (the request index's
     * equality range; the console gives each run a new one), and its transaction.
     */
    private static final String RECORDED_CONSOLE = """
            SELECT tenant_id, request_id FROM flux.state_mutations
             WHERE request_id = ? AND txid = ?::text::xid8 AND source = 'console' ORDER BY id""";
    /** The request tag; and pg_current_xact_id(): a transaction id before any record id (see mutation-log.sql). */
    private static final String TAG = "SELECT set_config('flux.request_id', ?, true), pg_current_xact_id()";
    /*
     * In both inserts, the owner of the schema is looked up in the insert, rather than from a
     * cache in capture: raw SQL writes are rare (API writes never come here), the unique index on
     * schema_name makes it one probe, and a tenant provisioned a moment ago, on any server, is
     * seen without invalidation. The schema owner goes first: in a tenant's schema a tenant_id
     * column is that tenant's data, as it is for the engine (a schema tenant's API writes take the
     * transaction's tenant, whatever the row holds). Each inserts one table's consecutive changes in
     * one statement (a raw UPDATE of 10,000 rows is one insert of 10,000 records); ids are taken in
     * the given order (PostgreSQL evaluates the volatile identity default after the ORDER BY), which
     * breaks ties of placed_after in WAL order. In the first, NULL::ROW_TYPE stands for the table's
     * row type (insertRendered).
     */
    private static final String INSERT_RENDERED = """
            INSERT INTO flux.state_mutations
                (request_id, txid, table_schema, table_name, row_id, operation, old, new, changed_columns, source,
                 tenant_id, created_at, placed_after, old_row_id)
            SELECT ?, ?::text::xid8, ?, ?, u.k, u.op, i.o, i.n,
                   CASE WHEN u.op = 'UPDATE' THEN ARRAY(
                       SELECT a.attname::text FROM pg_attribute a
                        WHERE a.attrelid = ?::regclass AND a.attnum > 0 AND NOT a.attisdropped
                          AND (i.o -> a.attname::text) IS DISTINCT FROM (i.n -> a.attname::text)
                        ORDER BY a.attnum) END,
                   ?, coalesce(owner.id, coalesce(i.n, i.o) ->> 'tenant_id'), ?::timestamptz, u.p, u.ko
              FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[], ?::text[])
                   WITH ORDINALITY AS u(k, op, o, n, p, ko, ord)
              CROSS JOIN LATERAL (
                   SELECT CASE WHEN u.o IS NULL THEN NULL
                               ELSE to_jsonb(jsonb_populate_record(NULL::ROW_TYPE, u.o::jsonb)) END AS o,
                          CASE WHEN u.n IS NULL THEN NULL
                               ELSE to_jsonb(jsonb_populate_record(NULL::ROW_TYPE, u.n::jsonb)) END AS n) i
              LEFT JOIN flux.tenants owner ON owner.schema_name = ?
             ORDER BY u.ord
            RETURNING id, tenant_id
            """;
    private static final String INSERT_AS_DECODED = """
            INSERT INTO flux.state_mutations
                (request_id, txid, table_schema, table_name, row_id, operation, old, new, source, tenant_id, created_at,
                 placed_after, old_row_id)
            SELECT ?, ?::text::xid8, ?, ?, u.k, u.op, u.o::jsonb, u.n::jsonb, ?,
                   coalesce(owner.id, coalesce(u.n::jsonb, u.o::jsonb) ->> 'tenant_id'), ?::timestamptz, u.p, u.ko
              FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[], ?::text[])
                   WITH ORDINALITY AS u(k, op, o, n, p, ko, ord)
              LEFT JOIN flux.tenants owner ON owner.schema_name = ?
             ORDER BY u.ord
            RETURNING id, tenant_id
            """;

    /** Records of a purged tenant inserted a moment ago in the same transaction, by id. */
    private static final String DROP = "DELETE FROM flux.state_mutations WHERE id = ANY (?)";
    /** The tenant owning a schema: one probe of the unique index on schema_name. */
    private static final String SCHEMA_OWNER = "SELECT id FROM flux.tenants WHERE schema_name = ?";

    /** The highest record id in the log; 0 for an empty log. */
    private static final String HIGHEST = "SELECT coalesce(max(id), 0) AS highest FROM flux.state_mutations";

    private WalRecords() {
    }

    /**
     * The highest record id the log holds now (visible to {@code c}): where capture places raw
     * changes when it does not know how far it streamed the log (a slot that never streamed).
     */
    public static long highestRecordId(Connection c) {
        try (PreparedStatement st = c.prepareStatement(HIGHEST); ResultSet rs = st.executeQuery()) {
            rs.next();
            return rs.getLong("highest");
        } catch (SQLException e) {
            throw new DatabaseException(e);
        }
    }

    /**
     * The tenant that owns {@code schema} (schema-mode tenancy), or null: the first half of the
     * records' tenant rule, for rows that get no record here (a snapshot's READ messages); read
     * each time, like the inserts do, so a tenant provisioned a moment ago is seen.
     */
    public static String schemaOwner(Connection c, String schema) {
        try (PreparedStatement st = c.prepareStatement(SCHEMA_OWNER)) {
            st.setString(1, schema);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new DatabaseException(e);
        }
    }

    /**
     * What {@link #write} did: how many records it wrote (0 for a transaction recorded before),
     * each untracked change's tenant as its record has it (null: none), in the order given, and
     * the request id and source the records have ({@code console} and the console's request id
     * for a transaction the console marked; the purge's request id for a transaction of only a
     * purged tenant's changes, which get no records, {@link TenantPurges}).
     */
    public record Recorded(int written, List<String> tenants, String requestId, Source source) {
    }

    /**
     * Records the untracked changes of transaction {@code txid}, which committed at
     * {@code committedAt} (the records' {@code created_at}), under {@code requestId} with source
     * {@code wal}, or under the console's request id with source {@code console} for a transaction
     * the console marked, unless that transaction's were recorded before; either way returns their
     * tenants, request id and source. One transaction on {@code c}, which is left in the autocommit
     * mode it had.
     */
    public static Recorded write(Connection c, TxId txid, String requestId, Instant committedAt,
                                 List<UntrackedChange> untracked) {
        if (untracked.isEmpty()) {
            return new Recorded(0, List.of(), requestId, Source.WAL);
        }
        return Transactions.call(c, x -> {
            String consoleRequest = ConsoleTransactions.requestOf(x, txid);
            String origin = consoleRequest == null ? requestId : consoleRequest;
            Source source = consoleRequest == null ? Source.WAL : Source.CONSOLE;
            List<Earlier> recorded = recorded(x, txid, consoleRequest);
            if (!recorded.isEmpty()) {
                return new Recorded(0, aligned(recorded, untracked.size(), txid, source), recorded.get(0).requestId(),
                        source);
            }
            try (PreparedStatement tag = x.prepareStatement(TAG)) {
                tag.setString(1, origin);
                tag.execute();
            }
            OffsetDateTime committed = committedAt.atOffset(ZoneOffset.UTC);
            List<Inserted> inserted = new ArrayList<>(untracked.size());
            int from = 0;
            while (from < untracked.size()) {
                int to = from + 1;
                while (to < untracked.size() && sameTable(untracked.get(from), untracked.get(to))) {
                    to++;
                }
                inserted.addAll(insert(x, txid, origin, source, committed, untracked.subList(from, to)));
                from = to;
            }
            List<String> tenants = inserted.stream().map(Inserted::tenantId).toList();
            Dropped dropped = dropPurged(x, txid, inserted);
            // A transaction wholly of one purge (its row deletions) goes to Kafka under the purge's request id.
            String published = dropped.count() == untracked.size() && dropped.purges().size() == 1
                    ? dropped.purges().values().iterator().next() : origin;
            return new Recorded(untracked.size() - dropped.count(), tenants, published, source);
        });
    }

    /** What {@link #dropPurged} deleted: how many records, and the purges (tenant: request id) that applied. */
    private record Dropped(int count, Map<String, String> purges) {
    }

    /**
     * Deletes, before they commit, the records just inserted for tenants being purged or purged
     * ({@link TenantPurges}): the tenants are known only once the inserts derived them.
     */
    private static Dropped dropPurged(Connection c, TxId txid, List<Inserted> inserted) throws SQLException {
        Set<String> tenants = new HashSet<>();
        inserted.forEach(r -> {
            if (r.tenantId() != null) {
                tenants.add(r.tenantId());
            }
        });
        Map<String, String> purges = tenants.isEmpty() ? Map.of() : TenantPurges.applying(c, txid, tenants);
        if (purges.isEmpty()) {
            return new Dropped(0, purges);
        }
        Long[] ids = inserted.stream().filter(r -> r.tenantId() != null && purges.containsKey(r.tenantId()))
                .map(Inserted::id).toArray(Long[]::new);
        try (PreparedStatement st = c.prepareStatement(DROP)) {
            st.setArray(1, c.createArrayOf("bigint", ids));
            return new Dropped(st.executeUpdate(), purges);
        }
    }

    /**
     * {@link #INSERT_RENDERED} for one table: its row type is the only thing in the text that is not
     * fixed, a name from the WAL's relation message (the catalog's), quoted.
     */
    static String insertRendered(String tableSchema, String tableName) {
        return INSERT_RENDERED.replace("NULL::ROW_TYPE", "NULL::" + Identifiers.qualified(tableSchema, tableName));
    }

    /** A record written for a transaction before: its tenant and request id. */
    private record Earlier(String tenantId, String requestId) {
    }

    /** The records written before for {@code txid}; {@code consoleRequest}: the console's run, null for none. */
    private static List<Earlier> recorded(Connection c, TxId txid, String consoleRequest) throws SQLException {
        List<Earlier> records = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement(consoleRequest == null ? RECORDED_WAL : RECORDED_CONSOLE)) {
            int i = 0;
            if (consoleRequest != null) {
                st.setString(++i, consoleRequest);
            }
            st.setString(++i, txid.toString());
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    records.add(new Earlier(rs.getString("tenant_id"), rs.getString("request_id")));
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
    private static List<String> aligned(List<Earlier> recorded, int changes, TxId txid, Source source) {
        if (recorded.size() == changes) {
            return recorded.stream().map(Earlier::tenantId).toList();
        }
        log.warn("transaction {} has {} record(s) with source '{}' for {} untracked change(s); publishing them"
                + " without a tenant", txid, recorded.size(), source.stored(), changes);
        return Collections.nCopies(changes, null);
    }

    private static boolean sameTable(UntrackedChange a, UntrackedChange b) {
        return a.tableSchema().equals(b.tableSchema()) && a.tableName().equals(b.tableName());
    }

    /** A record just inserted: its id and the tenant it was given. */
    private record Inserted(long id, String tenantId) {
    }

    /** Inserts the records of consecutive changes of one table; returns them, with their tenants, in order. */
    private static List<Inserted> insert(Connection c, TxId txid, String requestId, Source source,
                                       OffsetDateTime committedAt, List<UntrackedChange> changes) throws SQLException {
        UntrackedChange first = changes.get(0);
        String table = Identifiers.qualified(first.tableSchema(), first.tableName());
        try {
            return Transactions.inSavepoint(c, x -> {
                try (PreparedStatement st = x.prepareStatement(insertRendered(first.tableSchema(), first.tableName()))) {
                    int i = bindTarget(st, txid, requestId, first);
                    st.setString(++i, table);
                    st.setString(++i, source.stored());
                    st.setObject(++i, committedAt);
                    i = bindChanges(x, st, i, changes);
                    st.setString(++i, first.tableSchema());
                    return inserted(st);
                }
            });
        } catch (DatabaseException e) {
            // e.g. the table was dropped or altered since the change: keep the WAL's rendering
            log.debug("re-rendering images of {} failed ({}); storing them as decoded", table, e.getMessage());
        }
        try (PreparedStatement st = c.prepareStatement(INSERT_AS_DECODED)) {
            int i = bindTarget(st, txid, requestId, first);
            st.setString(++i, source.stored());
            st.setObject(++i, committedAt);
            i = bindChanges(c, st, i, changes);
            st.setString(++i, first.tableSchema());
            return inserted(st);
        }
    }

    /** Binds the four parameters both inserts start with; returns the last index bound. */
    private static int bindTarget(PreparedStatement st, TxId txid, String requestId, UntrackedChange change)
            throws SQLException {
        st.setString(1, requestId);
        st.setString(2, txid.toString());
        st.setString(3, change.tableSchema());
        st.setString(4, change.tableName());
        return 4;
    }

    /** Binds the six arrays of the changes after index {@code last}; returns the last index bound. */
    private static int bindChanges(Connection c, PreparedStatement st, int last, List<UntrackedChange> changes)
            throws SQLException {
        int n = changes.size();
        String[] keys = new String[n];
        String[] operations = new String[n];
        String[] olds = new String[n];
        String[] news = new String[n];
        Long[] places = new Long[n];
        String[] oldKeys = new String[n];
        for (int k = 0; k < n; k++) {
            UntrackedChange change = changes.get(k);
            keys[k] = change.rowId();
            operations[k] = change.operation().name();
            olds[k] = change.oldImage();
            news[k] = change.newImage();
            places[k] = change.placedAfter();
            oldKeys[k] = change.oldRowId();
        }
        int i = last;
        st.setArray(++i, c.createArrayOf("text", keys));
        st.setArray(++i, c.createArrayOf("text", operations));
        st.setArray(++i, c.createArrayOf("text", olds));
        st.setArray(++i, c.createArrayOf("text", news));
        st.setArray(++i, c.createArrayOf("bigint", places));
        st.setArray(++i, c.createArrayOf("text", oldKeys));
        return i;
    }

    private static List<Inserted> inserted(PreparedStatement insert) throws SQLException {
        List<Inserted> inserted = new ArrayList<>();
        try (ResultSet rs = insert.executeQuery()) {
            while (rs.next()) {
                inserted.add(new Inserted(rs.getLong("id"), rs.getString("tenant_id")));
            }
        }
        return inserted;
    }
}

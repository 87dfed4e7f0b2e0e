package flux.log;

import static org.assertj.core.api.Assertions.assertThat;

import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestPostgres;
import flux.pg.Transactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The log's writers and readers against each other, on a real PostgreSQL: the engine's records,
 * rolled-back attempts, capture's records placed in commit order, key changes, TRUNCATEs, and what
 * a page costs.
 */
@ExtendWith(FluxTestInfra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LogRecordsIT {
    private static final Pattern BUFFERS = Pattern.compile("Buffers: shared hit=(\\d+)(?: read=(\\d+))?");
    private final TestPostgres db;
    private Connection c;

    LogRecordsIT(TestPostgres pg) throws SQLException {
        this.db = LogWrites.database(pg, "log_records");
    }

    @BeforeEach
    void clean() throws SQLException {
        c = LogWrites.emptied(db);
    }

    @AfterEach
    void close() throws SQLException {
        c.close();
    }

    @Test
    void anEngineWriteRecordsItsRowAndHandsTheMutationBackByName() throws SQLException {
        Mutation written = engineInsert("req-1", 7, "seven");

        assertThat(written.rowId()).isEqualTo("7");
        assertThat(written.operation()).isEqualTo(Operation.INSERT);
        assertThat(written.oldImage()).isNull();
        assertThat(written.newImage()).isEqualTo("{\"id\": 7, \"name\": \"seven\"}");
        assertThat(written.txid()).isNotNull();

        MutationRecord stored = RowRecords.page(c, row("7", null), OrderKey.FIRST, OrderKey.LAST, null, null, true, 10).get(0);
        assertThat(stored.requestId()).isEqualTo("req-1");
        assertThat(stored.txid()).isEqualTo(written.txid());
        assertThat(stored.status()).isEqualTo(Status.COMMITTED);
        assertThat(stored.source()).isEqualTo(Source.API);
        assertThat(stored.newImage()).isEqualTo(written.newImage());
        assertThat(stored.changedColumns()).isNull();
        assertThat(stored.tenantId()).isNull();
    }

    @Test
    void rolledBackAttemptsAreRecordedInOrderWithTheirErrorAndTenant() throws SQLException {
        Mutation written = engineInsert("req-2", 8, "eight");
        Mutation update = new Mutation("public", "items", "8", Operation.UPDATE, written.newImage(),
                "{\"id\": 8, \"name\": null}", "[\"name\"]", written.txid());
        RolledBackAttempts.record(c, "req-3", "acme", List.of(update), "23502: null value");

        List<MutationRecord> all = RowRecords.page(c, row("8", null), OrderKey.FIRST, OrderKey.LAST, null, null, false, 10);
        assertThat(all).extracting(MutationRecord::status).containsExactly(Status.COMMITTED, Status.ROLLED_BACK);
        MutationRecord attempt = all.get(1);
        assertThat(attempt.changedColumns()).containsExactly("name");
        assertThat(attempt.error()).isEqualTo("23502: null value");
        assertThat(attempt.tenantId()).isEqualTo("acme");
        assertThat(attempt.txid()).isEqualTo(written.txid());

        assertThat(RowRecords.page(c, row("8", "acme"), OrderKey.FIRST, OrderKey.LAST, null, null, false, 10))
                .as("a tenant's reader sees its records only").extracting(MutationRecord::requestId).containsExactly("req-3");
        assertThat(RequestRecords.page(c, "req-3", null, 0, 10)).hasSize(1);
        assertThat(RequestRecords.page(c, "req-3", "globex", 0, 10)).isEmpty();
        assertThat(StoredImages.byIds(c, List.of(attempt.id(), 999L)))
                .containsOnlyKeys(attempt.id())
                .extractingByKey(attempt.id()).extracting(StoredImages::error).isEqualTo("23502: null value");
    }

    @Test
    void timeProbesAndAsOfReadsFindTheRecordsAroundAMoment() throws Exception {
        engineInsert("req-a", 9, "first");
        Instant between = Instant.now();
        Thread.sleep(5);
        RolledBackAttempts.record(c, "req-b", null,
                List.of(new Mutation("public", "items", "9", Operation.DELETE, "{}", null, null, null)), "40001: x");
        RowFilter nine = row("9", null);
        OrderKey first = RowRecords.lastBefore(c, nine, between);
        assertThat(RowRecords.firstFrom(c, nine, between)).isEqualTo(new OrderKey(first.id() + 1, first.id() + 1));
        assertThat(RowRecords.lastCommittedAt(c, nine, Instant.now()).orElseThrow().id())
                .as("rolled-back attempts never count").isEqualTo(first.id());
        assertThat(RowRecords.lastCommittedAt(c, nine, between.minusSeconds(60))).isEmpty();
        assertThat(RowRecords.exists(c, nine)).isTrue();
        assertThat(RowRecords.exists(c, row("10", null))).isFalse();
        assertThat(RowRecords.page(c, nine, OrderKey.FIRST, OrderKey.LAST, between, null, true, 10))
                .extracting(MutationRecord::requestId).containsExactly("req-b");
    }

    @Test
    void aRecordCapturePlacedSortsRightAfterTheRecordItFollowsWhateverItsOwnId() throws SQLException {
        LogWrites.insert(c, "api-1", 1, "a");
        long inserted = LogWrites.lastId(c);
        LogWrites.update(c, "api-2", 1, "c");
        // a raw update committed between the two: capture records it later, so its id is the highest
        LogWrites.raw(c, 900, Instant.now(), LogWrites.change(Operation.UPDATE, "1", "{\"id\": 1, \"name\": \"a\"}",
                "{\"id\": 1, \"name\": \"b\"}", inserted));
        LogWrites.raw(c, 901, Instant.now(), LogWrites.change(Operation.UPDATE, "1", "{\"id\": 1, \"name\": \"b\"}",
                "{\"id\": 1, \"name\": \"b2\"}", inserted));

        List<MutationRecord> oldest = RowRecords.page(c, row("1", null), OrderKey.FIRST, OrderKey.LAST, null, null, false, 10);
        assertThat(oldest).extracting(MutationRecord::requestId).containsExactly("api-1", "wal:900", "wal:901", "api-2");
        assertThat(oldest.get(1).orderKey()).isEqualTo(new OrderKey(inserted, oldest.get(1).id()));
        assertThat(oldest.get(1).changedColumns()).containsExactly("name");

        List<String> paged = new ArrayList<>();
        OrderKey cursor = OrderKey.LAST;
        for (int page = 0; page < 4; page++) {
            List<MutationRecord> one = RowRecords.page(c, row("1", null), OrderKey.FIRST, cursor, null, null, true, 1);
            paged.add(one.get(0).requestId());
            cursor = OrderKey.parse(one.get(0).orderKey().toString());
        }
        assertThat(paged).as("newest first, one per page, through the cursors' text form")
                .containsExactly("api-2", "wal:901", "wal:900", "api-1");
    }

    @Test
    void aKeyChangeEndsTheOldKeysTimelineAndStartsTheNewKeys() throws SQLException {
        LogWrites.insert(c, "api-1", 1, "a");
        WalRecords.write(c, new TxId(902), "wal:902", Instant.now(), List.of(new UntrackedChange("public", "items", "2",
                Operation.UPDATE, "{\"id\": 1, \"name\": \"a\"}", "{\"id\": 2, \"name\": \"a\"}", LogWrites.lastId(c),
                "1")));

        List<MutationRecord> old = RowRecords.page(c, row("1", null), OrderKey.FIRST, OrderKey.LAST, null, null, false, 10);
        assertThat(old).extracting(MutationRecord::requestId).containsExactly("api-1", "wal:902");
        assertThat(old.get(1).changedKey()).isTrue();
        assertThat(old.get(1).changedColumns()).containsExactly("id");
        assertThat(RowRecords.page(c, row("2", null), OrderKey.FIRST, OrderKey.LAST, null, null, false, 10))
                .extracting(MutationRecord::oldRowId).containsExactly("1");
        assertThat(RowRecords.lastCommittedAt(c, row("1", null), Instant.now()).orElseThrow().rowId())
                .as("after the key change, the old key's last event is the change itself").isEqualTo("2");
        assertThat(RowRecords.exists(c, row("2", null))).isTrue();
    }

    @Test
    void aTenantBeingPurgedOrPurgedAfterTheTransactionGetsNoRecordsButKeepsItsTenantAndThePurgesRequest()
            throws SQLException {
        UntrackedChange delete = LogWrites.change(Operation.DELETE, "1", "{\"id\": 1, \"name\": \"a\"}", null, 0);
        try (Statement st = c.createStatement()) {
            st.execute("INSERT INTO flux.tenants (id, schema_name) VALUES ('gone', 'public')"); // owns public.items
        }
        try {
            String purge = Transactions.call(c, x -> TenantPurges.begin(x, "gone"));
            WalRecords.Recorded during = WalRecords.write(c, new TxId(910), "wal:910", Instant.now(), List.of(delete));
            assertThat(during.written()).isZero();
            assertThat(during.tenants()).containsExactly("gone");
            assertThat(during.requestId()).startsWith("purge:").isEqualTo(purge);

            long committedBefore = committedTransaction();
            Transactions.run(c, x -> TenantPurges.end(x, "gone"));
            long committedAfter = committedTransaction();
            assertThat(WalRecords.write(c, new TxId(committedBefore), "wal:b", Instant.now(), List.of(delete)).written())
                    .as("committed before the purge ended").isZero();
            WalRecords.Recorded later = WalRecords.write(c, new TxId(committedAfter), "wal:a", Instant.now(),
                    List.of(delete));
            assertThat(later.written()).as("a tenant with the id again, after the purge").isEqualTo(1);
            assertThat(later.requestId()).isEqualTo("wal:a");
            assertThat(requests("1")).containsExactly("wal:a");
            String again = Transactions.call(c, x -> TenantPurges.begin(x, "gone"));
            assertThat(again).as("a new purge of the id").isNotEqualTo(purge);
            String resumed = Transactions.call(c, x -> TenantPurges.begin(x, "gone"));
            assertThat(resumed).as("a purge resumed keeps its request").isEqualTo(again);
        } finally {
            try (Statement st = c.createStatement()) {
                st.execute("DELETE FROM flux.tenants; DELETE FROM flux.tenant_purges");
            }
        }
    }

    /** The id of a transaction that committed now. */
    private long committedTransaction() throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_current_xact_id()::text")) {
            rs.next();
            return Long.parseLong(rs.getString(1));
        }
    }

    @Test
    void aTruncateShowsInTheTimelineOfEveryRowItFoundAndNoOther() throws SQLException {
        LogWrites.insert(c, "api-1", 1, "a");
        LogWrites.insert(c, "api-2", 2, "b");
        LogWrites.raw(c, 903, Instant.now(), LogWrites.change(Operation.DELETE, "2", "{\"id\": 2, \"name\": \"b\"}",
                null, LogWrites.lastId(c)));
        LogWrites.raw(c, 904, Instant.now(), LogWrites.change(Operation.TRUNCATE, "", null, null, LogWrites.lastId(c)));
        try (Statement st = c.createStatement()) {
            st.execute("DELETE FROM public.items");
        }
        LogWrites.insert(c, "api-3", 3, "c");
        LogWrites.insert(c, "api-4", 1, "a again");
        LogWrites.raw(c, 905, Instant.now(), LogWrites.change(Operation.TRUNCATE, "", null, null, LogWrites.lastId(c)));

        assertThat(requests("1")).containsExactly("api-1", "wal:904", "api-4", "wal:905");
        assertThat(requests("2")).as("deleted before the first TRUNCATE").containsExactly("api-2", "wal:903");
        assertThat(requests("3")).as("inserted between the two").containsExactly("api-3", "wal:905");
        assertThat(RowRecords.lastCommittedAt(c, row("3", null), Instant.now()).orElseThrow().operation())
                .isEqualTo(Operation.TRUNCATE);
    }

    @Test
    void aPageReadsAsManyBuffersOnAHistoryOf20000RecordsAsOnOneOf60() throws Exception {
        try (Statement st = c.createStatement()) {
            for (String row : new String[] {"short", "long"}) {
                st.execute("INSERT INTO flux.state_mutations (request_id, table_schema, table_name, row_id, operation, new)"
                        + " SELECT 'bulk', 'public', 'items', '" + row + "', 'UPDATE', '{}'"
                        + " FROM generate_series(1, " + (row.equals("short") ? 60 : 20_000) + ")");
            }
            st.execute("VACUUM ANALYZE flux.state_mutations");
        }
        int shortRow = pageBuffers("short");
        int longRow = pageBuffers("long");
        assertThat(longRow).as("buffers of a page of 50 on the long row (short row: %d)", shortRow)
                .isLessThanOrEqualTo(shortRow + 2).isLessThanOrEqualTo(20);
    }

    /** Shared buffers the page's plan touched: the first {@code Buffers:} line of EXPLAIN is its top node's. */
    private int pageBuffers(String rowId) throws SQLException {
        StringBuilder plan = new StringBuilder();
        try (PreparedStatement ps = RowRecords.preparePage(c, "EXPLAIN (ANALYZE, BUFFERS) ", row(rowId, null),
                OrderKey.FIRST, OrderKey.LAST, null, null, true, 51);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                plan.append(rs.getString(1)).append('\n');
            }
        }
        Matcher m = BUFFERS.matcher(plan);
        assertThat(m.find()).as(plan.toString()).isTrue();
        return Integer.parseInt(m.group(1)) + (m.group(2) == null ? 0 : Integer.parseInt(m.group(2)));
    }

    private List<String> requests(String rowId) throws SQLException {
        return RowRecords.page(c, row(rowId, null), OrderKey.FIRST, OrderKey.LAST, null, null, false, 20).stream()
                .map(MutationRecord::requestId).toList();
    }

    private Mutation engineInsert(String requestId, int id, String name) throws SQLException {
        return LogWrites.insert(c, requestId, id, name);
    }

    private static RowFilter row(String rowId, String tenantId) {
        return new RowFilter("public", "items", rowId, tenantId);
    }
}

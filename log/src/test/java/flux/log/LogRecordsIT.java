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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** The log's writers and readers against each other, on a real PostgreSQL. */
@ExtendWith(FluxTestInfra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LogRecordsIT {
    /** A write the way the compiler builds it: the DML in flux_w, the log's CTE, the records handed back. */
    private static final String ENGINE_INSERT = "SELECT set_config('flux.request_id', ?, true);\n"
            + "WITH flux_w AS (INSERT INTO public.items AS t (id, name) VALUES (CAST(? AS integer), ?) RETURNING"
            + " row_to_json(t.*)::text AS r, NULL::jsonb AS o, to_jsonb(t.*) AS n, CAST(t.id AS text) AS k,"
            + " NULL::text[] AS c),\n " + CommittedRecords.cte(Operation.INSERT) + "\n"
            + "SELECT w.r, " + CommittedRecords.RETURNED + " FROM flux_w w";
    private final TestPostgres db;
    private Connection c;

    LogRecordsIT(TestPostgres pg) throws SQLException {
        this.db = pg.newDatabase("log_records");
        LogSchema.install(db.dataSource());
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE public.items (id int PRIMARY KEY, name text)");
        }
    }

    @BeforeEach
    void clean() throws SQLException {
        c = db.connect();
        try (Statement st = c.createStatement()) {
            st.execute("TRUNCATE public.items, flux.state_mutations RESTART IDENTITY");
        }
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

        MutationRecord stored = RowRecords.page(c, row("7", null), 0, Long.MAX_VALUE, null, null, true, 10).get(0);
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

        List<MutationRecord> all = RowRecords.page(c, row("8", null), 0, Long.MAX_VALUE, null, null, false, 10);
        assertThat(all).extracting(MutationRecord::status).containsExactly(Status.COMMITTED, Status.ROLLED_BACK);
        MutationRecord attempt = all.get(1);
        assertThat(attempt.changedColumns()).containsExactly("name");
        assertThat(attempt.error()).isEqualTo("23502: null value");
        assertThat(attempt.tenantId()).isEqualTo("acme");
        assertThat(attempt.txid()).isEqualTo(written.txid());

        assertThat(RowRecords.page(c, row("8", "acme"), 0, Long.MAX_VALUE, null, null, false, 10))
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
        long first = RowRecords.lastIdBefore(c, nine, between);
        assertThat(RowRecords.firstIdFrom(c, nine, between)).isEqualTo(first + 1);
        assertThat(RowRecords.lastCommittedAt(c, nine, Instant.now()).orElseThrow().id())
                .as("rolled-back attempts never count").isEqualTo(first);
        assertThat(RowRecords.lastCommittedAt(c, nine, between.minusSeconds(60))).isEmpty();
        assertThat(RowRecords.exists(c, nine)).isTrue();
        assertThat(RowRecords.exists(c, row("10", null))).isFalse();
        assertThat(RowRecords.page(c, nine, 0, Long.MAX_VALUE, between, null, true, 10))
                .extracting(MutationRecord::requestId).containsExactly("req-b");
    }

    private Mutation engineInsert(String requestId, int id, String name) throws SQLException {
        return Transactions.call(c, x -> {
            try (PreparedStatement ps = x.prepareStatement(ENGINE_INSERT)) {
                ps.setString(1, requestId);
                ps.setString(2, Integer.toString(id));
                ps.setString(3, name);
                ps.setString(4, "public");
                ps.setString(5, "items");
                ps.execute();
                ps.getMoreResults();
                List<Mutation> written = new ArrayList<>();
                try (ResultSet rs = ps.getResultSet()) {
                    CommittedRecords.Reader reader = new CommittedRecords.Reader(rs);
                    while (rs.next()) {
                        written.add(reader.read("public", "items", Operation.INSERT));
                    }
                }
                return written.get(0);
            }
        });
    }

    private static RowFilter row(String rowId, String tenantId) {
        return new RowFilter("public", "items", rowId, tenantId);
    }
}

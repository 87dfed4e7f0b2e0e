package flux.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import flux.capture.testing.RunningCapture;
import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.Seed;
import flux.dev.testing.Seeds;
import flux.dev.testing.TestKafka;
import flux.dev.testing.TestPostgres;
import flux.history.HistoryDatabase.Row;
import flux.query.model.RequestId;
import flux.query.testing.workload.EngineExecutor;
import flux.query.testing.workload.ExpectedHistory;
import flux.query.testing.workload.JdbcExecutor;
import flux.query.testing.workload.Outcome;
import flux.query.testing.workload.Step;
import flux.query.testing.workload.Workload;
import flux.query.testing.workload.WorkloadGenerator;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * History of writes made through the engine and with raw SQL, the latter recorded by a real
 * capture pipeline streaming this database (not by a copy of its write path).
 */
@ExtendWith({FluxTestInfra.class, Seeds.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CapturedHistoryIT {
    private final HistoryDatabase db;
    private final RunningCapture capture;

    CapturedHistoryIT(TestPostgres pg, TestKafka kafka) throws SQLException {
        db = new HistoryDatabase(pg, "captured_history",
                "CREATE TABLE users (id int PRIMARY KEY, email text NOT NULL, plan text NOT NULL);"
                        + WorkloadGenerator.DDL.formatted("mixed") + ";" + WorkloadGenerator.DDL.formatted("ordered"));
        capture = RunningCapture.start(db.pg, kafka);
    }

    @AfterAll
    void close() {
        try (db) {
            capture.close();
        }
    }

    @Test
    void writesThatBypassedTheApiShowAsWal() throws SQLException {
        db.insert("w-1", Row.of("users", "{\"id\": 5}"), "{\"id\": 5, \"email\": \"w@x.io\", \"plan\": \"free\"}");
        String txid = rawSql("UPDATE users SET plan = 'team' WHERE id = 5");
        capture.awaitCaughtUp();

        List<HistoryEntry> entries = oldestFirst("users", "5");
        assertThat(entries).extracting(HistoryEntry::source).containsExactly("api", "wal");
        HistoryEntry wal = entries.get(1);
        assertThat(wal.requestId()).isEqualTo("wal:" + txid);
        assertThat(wal.status()).isEqualTo("committed");
        assertThat(wal.changedColumns()).containsExactly("plan");
        assertThat(wal.old().get("plan").asText()).isEqualTo("free");
        assertThat(wal.after().get("plan").asText()).isEqualTo("team");
        assertThat(db.history.blame("users", "5").columns()).extracting(Blame.Line::requestId)
                .containsExactly("w-1", "w-1", "wal:" + txid);
    }

    @Test
    void anUndoIsRefusedWhenARawSqlWriteChangedTheColumnSinceAndForcedItOverwritesIt() throws SQLException {
        Row row = Row.of("users", "{\"id\": 7}");
        db.insert("u-seed", row, "{\"id\": 7, \"email\": \"u@x.io\", \"plan\": \"free\"}");
        db.update("u-plan", row, "{\"plan\": \"pro\"}");
        String txid = rawSql("UPDATE users SET plan = 'team' WHERE id = 7");
        capture.awaitCaughtUp();
        Undo undo = new Undo(db.dataSource, db.engine);

        assertThatThrownBy(() -> undo.undo("u-plan", null, UndoForce.NONE, RequestId.of("u-undo-1"), null))
                .isInstanceOfSatisfying(HistoryException.Conflicts.class, e -> assertThat(e.plan().conflicts())
                        .extracting(UndoConflict::column, UndoConflict::requestId, UndoConflict::source)
                        .containsExactly(org.assertj.core.groups.Tuple.tuple("plan", "wal:" + txid, "wal")));
        undo.undo("u-plan", null, UndoForce.parse(false, List.of("users:7:plan")), RequestId.of("u-undo-2"), null);
        assertThat(db.rows("SELECT plan FROM users WHERE id = 7")).containsExactly(List.of("free"));
    }

    /**
     * The seed's mix on six rows: single writes and transactions through the engine (some failing
     * at a chosen write, some aborted by their caller), raw inserts, updates, deletes and
     * multi-row updates, raw transactions rolled back, and a capture restart, applied one after
     * another. Every committed write and every rolled-back attempt is in its row's history once,
     * with its images, source and request id; the API's entries are in commit order among
     * themselves, and so are capture's; blame and as-of follow the log.
     */
    @Test
    void aSeededMixOfRequestsAndRawSqlRecordsEveryWriteOnceWithItsImages(Seed seed) throws SQLException {
        ExpectedHistory expected = runMix(seed, "mixed");
        for (long id : expected.rows().keySet()) {
            String rowId = Long.toString(id);
            List<HistoryEntry> entries = oldestFirst("mixed", rowId);
            List<ExpectedHistory.Entry> actual = entries.stream().map(CapturedHistoryIT::asExpected).toList();
            assertThat(actual).as("history of row %s", id).containsExactlyInAnyOrderElementsOf(expected.entries(id));
            for (String source : List.of("api", "wal")) {
                assertThat(actual).filteredOn(e -> e.source().equals(source)).as("%s entries of row %s", source, id)
                        .containsExactlyElementsOf(expected.entries(id).stream()
                                .filter(e -> e.source().equals(source)).toList());
            }
            assertBlameAndAsOf("mixed", rowId, entries, ExpectedHistory.blameOf(actual));
        }
    }

    /**
     * The same mix, checked against commit order: a raw write must sit where it committed, not
     * where capture recorded it (capture records it when it reads the WAL, after API writes that
     * committed later; it places it by {@code placed_after}, issue #18).
     */
    @Test
    void aSeededMixOfRequestsAndRawSqlLeavesEachRowItsWritesInCommitOrder(Seed seed) throws SQLException {
        ExpectedHistory expected = runMix(seed, "ordered");
        for (long id : expected.rows().keySet()) {
            String rowId = Long.toString(id);
            List<HistoryEntry> entries = oldestFirst("ordered", rowId);
            assertThat(entries).as("history of row %s", id).extracting(CapturedHistoryIT::asExpected)
                    .containsExactlyElementsOf(expected.entries(id));
            assertBlameAndAsOf("ordered", rowId, entries, expected.blame(id));
        }
    }

    /** Applies the seed's mix (checking each request ended as generated) and waits for capture to record it. */
    private ExpectedHistory runMix(Seed seed, String table) {
        WorkloadGenerator generator = new WorkloadGenerator(seed.random(), "mix", 6,
                WorkloadGenerator.Mix.DEFAULT.withCaptureRestarts(1));
        Workload workload = new Workload(new EngineExecutor(db.engine, table), new JdbcExecutor(db.dataSource, table),
                capture::restart);
        List<Outcome> outcomes = workload.run(generator.next(80));
        for (Outcome o : outcomes) {
            if (o.step() instanceof Step.Api api) {
                assertThat(o.committed()).as("outcome of %s", api).isEqualTo(api.commits());
            }
        }
        capture.awaitCaughtUp();
        return ExpectedHistory.of(outcomes);
    }

    /** The row's blame is {@code expected}; as of each committed entry's time, the row is that entry's image. */
    private void assertBlameAndAsOf(String table, String rowId, List<HistoryEntry> entries,
                                    ExpectedHistory.RowBlame expected) throws SQLException {
        assertThat(blame(table, rowId)).as("blame of row %s", rowId).isEqualTo(expected);
        for (HistoryEntry e : entries) {
            if (e.status().equals("committed")) {
                RowSnapshot then = db.history.at(table, rowId, Instant.parse(e.at()));
                assertThat(then.mutation().id()).as("row %s as of %s", rowId, e.at()).isEqualTo(e.id());
                assertThat(then.exists()).isEqualTo(!e.operation().equals("DELETE"));
                assertThat(then.row()).isEqualTo(e.after());
            }
        }
    }

    private static ExpectedHistory.Entry asExpected(HistoryEntry e) {
        return new ExpectedHistory.Entry(e.operation(), e.status(), e.source(), e.requestId(), e.old(), e.after());
    }

    private ExpectedHistory.RowBlame blame(String table, String rowId) throws SQLException {
        Blame blame = db.history.blame(table, rowId);
        List<ExpectedHistory.ColumnBlame> columns = new ArrayList<>();
        for (Blame.Line line : blame.columns()) {
            JsonNode value = line.requestId() == null ? null : line.value();
            columns.add(new ExpectedHistory.ColumnBlame(line.column(), value, line.requestId(),
                    line.lastAttempt() == null ? null : line.lastAttempt().requestId()));
        }
        return new ExpectedHistory.RowBlame(columns, blame.deletedBy() == null ? null : blame.deletedBy().requestId());
    }

    private List<HistoryEntry> oldestFirst(String table, String rowId) throws SQLException {
        List<HistoryEntry> entries = new ArrayList<>();
        PageRequest page = new PageRequest(false, PageRequest.MAX_LIMIT, null, null, null);
        while (true) {
            HistoryPage p = db.history.history(table, rowId, page);
            entries.addAll(p.entries());
            if (p.nextCursor() == null) {
                return entries;
            }
            page = page.next(p.nextCursor());
        }
    }

    /** Runs {@code sql} with plain JDBC, bypassing the API; returns its transaction's id. */
    private String rawSql(String sql) throws SQLException {
        try (Connection c = db.dataSource.getConnection(); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            st.execute(sql);
            String txid;
            try (ResultSet rs = st.executeQuery("SELECT pg_current_xact_id()::text")) {
                rs.next();
                txid = rs.getString(1);
            }
            c.commit();
            c.setAutoCommit(true);
            return txid;
        }
    }
}

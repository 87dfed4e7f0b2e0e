package flux.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestPostgres;
import flux.history.HistoryDatabase.Row;
import flux.pg.LockKeys;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The background folder against records that commit out of id order: a transaction that took
 * a record id and is still open, one that rolls back, and a second folder competing for the
 * lock. The watermark must never pass a record that may still commit.
 */
@ExtendWith(FluxTestInfra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BlameFolderIT {
    private final HistoryDatabase db;

    BlameFolderIT(TestPostgres pg) throws SQLException {
        db = new HistoryDatabase(pg, "blame_folder", "CREATE TABLE accounts (id int PRIMARY KEY, owner text, balance int)");
    }

    @AfterAll
    void close() {
        db.close();
    }

    @Test
    void theWatermarkWaitsForAnOpenTransactionsRecordAndFoldsItOnceItCommits() throws Exception {
        Row slowRow = Row.of("accounts", "{\"id\": 1}");
        Row fastRow = Row.of("accounts", "{\"id\": 2}");
        db.insert("open-0", slowRow, "{\"id\": 1, \"owner\": \"ann\", \"balance\": 0}");
        db.insert("open-1", fastRow, "{\"id\": 2, \"owner\": \"abe\", \"balance\": 0}");
        lengthen(slowRow, "slow");
        lengthen(fastRow, "fast");
        BlameFolder folder = new BlameFolder(db.dataSource);
        foldAll(folder);
        long heldAt;
        try (OpenRequest slow = OpenRequest.start(db.engine, "slow-update", db.updateQuery(slowRow, "{\"balance\": 5}"))) {
            db.update("fast-update", fastRow, "{\"owner\": \"bob\"}");
            foldAll(folder);
            heldAt = folder.watermark();
            assertThat(storedWatermark()).isEqualTo(heldAt);
            slow.commit();
        }
        long slowId = recordId("slow-update");
        long fastId = recordId("fast-update");
        assertThat(slowId).as("the open request took its record id first").isLessThan(fastId);
        assertThat(heldAt).as("held below the open record").isEqualTo(slowId - 1);

        foldAll(folder);
        assertThat(folder.watermark()).isGreaterThanOrEqualTo(fastId);
        assertThat(summary("1")).contains("\"balance\": " + slowId);
        assertThat(summary("2")).contains("\"owner\": " + fastId);
    }

    @Test
    void aRolledBackRecordLeavesAGapTheWatermarkPassesOnceItsWriterEnded() throws Exception {
        BlameFolder folder = new BlameFolder(db.dataSource);
        foldAll(folder);
        long heldAt;
        try (OpenRequest doomed = OpenRequest.start(db.engine, "doomed",
                db.insertQuery(Row.of("accounts", "{\"id\": 12}"), "{\"id\": 12, \"owner\": \"dee\", \"balance\": 9}"))) {
            db.insert("after", Row.of("accounts", "{\"id\": 3}"), "{\"id\": 3, \"owner\": \"cy\", \"balance\": 1}");
            foldAll(folder);
            heldAt = folder.watermark();
            doomed.abort();
        }
        long abortedId = recordId("after") - 1; // taken by the doomed insert, gone with its rollback
        assertThat(records("id = " + abortedId)).isZero();
        assertThat(heldAt).as("held below the open record").isLessThan(abortedId);
        assertThat(records("request_id = 'doomed' AND status = 'rolled_back' AND id > " + recordId("after")))
                .as("the engine recorded the attempt afterwards").isOne();

        foldAll(folder);
        assertThat(folder.watermark()).isGreaterThan(abortedId);
        assertThat(summary("12")).as("a row of one record gets no summary").isNull();
        assertThat(summary("3")).as("a row of one record gets no summary").isNull();
        assertThat(db.history.blame("accounts", "3").columns()).extracting(Blame.Line::requestId)
                .containsOnly("after");
        assertThat(db.history.blame("accounts", "12").columns()).extracting(l -> l.lastAttempt().requestId())
                .containsOnly("doomed");
    }

    @Test
    void aRowGetsItsSummaryWithItsSixteenthRecordAndTheSummaryStillNamesTheInsert() throws SQLException {
        BlameFolder folder = new BlameFolder(db.dataSource);
        Row row = Row.of("accounts", "{\"id\": 5}");
        db.insert("born", row, "{\"id\": 5, \"owner\": \"eve\", \"balance\": 7}");
        db.insert("other", Row.of("accounts", "{\"id\": 6}"), "{\"id\": 6, \"owner\": \"fay\", \"balance\": 1}");
        db.update("renamed", row, "{\"owner\": \"eva\"}");
        for (int i = 3; i < BlameFolder.SUMMARY_AFTER; i++) {
            db.update("paid-" + i, row, "{\"balance\": " + i + "}");
        }
        foldAll(folder);
        assertThat(summary("5")).as("15 records: read directly").isNull();
        assertThat(blameOf("5")).containsExactly(tuple("id", "born"), tuple("owner", "renamed"), tuple("balance", "paid-15"));

        db.update("sixteenth", row, "{\"balance\": 16}");
        foldAll(folder);
        assertThat(summary("5")).as("made from all 16 records").isNotNull();
        assertThat(blameOf("5")).containsExactly(tuple("id", "born"), tuple("owner", "renamed"), tuple("balance", "sixteenth"));
        assertThat(summary("6")).as("a row of one record gets no summary").isNull();
    }

    @Test
    void aSecondFolderWaitsItsTurnAndPicksUpTheStoredWatermark() throws SQLException {
        BlameFolder first = new BlameFolder(db.dataSource);
        BlameFolder second = new BlameFolder(db.dataSource);
        db.insert("w1", Row.of("accounts", "{\"id\": 4}"), "{\"id\": 4, \"owner\": \"di\", \"balance\": 2}");
        lengthen(Row.of("accounts", "{\"id\": 4}"), "w1");
        try (Connection holder = db.dataSource.getConnection()) {
            holder.setAutoCommit(false);
            LockKeys.BLAME_FOLDER.lockForTransaction(holder);
            assertThat(second.foldOnce()).as("the lock is taken").isZero();
            holder.rollback();
        }
        foldAll(first);
        db.update("w2", Row.of("accounts", "{\"id\": 4}"), "{\"balance\": 3}");
        foldAll(second);
        assertThat(second.watermark()).isEqualTo(storedWatermark()).isEqualTo(first.watermark() + 1);
        assertThat(summary("4")).contains("\"balance\": " + storedWatermark());
    }

    @Test
    void installingOverTheTriggerEraRemovesTheTriggerAndItsColumn() throws SQLException {
        db.execute("""
                ALTER TABLE flux.row_blame ADD COLUMN deleted_id bigint;
                CREATE FUNCTION flux.row_blame_track() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;
                CREATE TRIGGER row_blame_track AFTER INSERT ON flux.state_mutations
                    FOR EACH ROW EXECUTE FUNCTION flux.row_blame_track();
                """);
        HistorySchema.install(db.dataSource);
        try (Connection c = db.dataSource.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("""
                     SELECT (SELECT count(*) FROM pg_trigger WHERE tgrelid = 'flux.state_mutations'::regclass
                                                               AND tgname = 'row_blame_track'),
                            (SELECT count(*) FROM pg_attribute WHERE attrelid = 'flux.row_blame'::regclass
                                                                 AND attname = 'deleted_id' AND NOT attisdropped),
                            to_regprocedure('flux.row_blame_track()') IS NULL
                     """)) {
            rs.next();
            assertThat(List.of(rs.getInt(1), rs.getInt(2))).containsExactly(0, 0);
            assertThat(rs.getBoolean(3)).isTrue();
        }
    }

    /** Gives an inserted row the records that earn it a summary, less one (the test's next write). */
    private void lengthen(Row row, String prefix) throws SQLException {
        for (int i = 2; i < BlameFolder.SUMMARY_AFTER; i++) {
            db.update(prefix + "-" + i, row, "{\"owner\": \"" + prefix + i + "\"}");
        }
    }

    private List<org.assertj.core.groups.Tuple> blameOf(String id) throws SQLException {
        return db.history.blame("accounts", id).columns().stream().map(l -> tuple(l.column(), l.requestId())).toList();
    }

    private static void foldAll(BlameFolder folder) throws SQLException {
        while (folder.foldOnce() > 0) {
            // until nothing new
        }
    }

    private long recordId(String requestId) throws SQLException {
        try (Connection c = db.dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT max(id) FROM flux.state_mutations WHERE request_id = ?")) {
            ps.setString(1, requestId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private long records(String condition) throws SQLException {
        try (Connection c = db.dataSource.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM flux.state_mutations WHERE " + condition)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private long storedWatermark() throws SQLException {
        try (Connection c = db.dataSource.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT folded_through FROM flux.row_blame_progress")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private String summary(String rowId) throws SQLException {
        try (Connection c = db.dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT committed::text FROM flux.row_blame WHERE table_name = 'accounts' AND row_id = ?")) {
            ps.setString(1, rowId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}

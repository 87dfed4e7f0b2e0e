package flux.history;

import static org.assertj.core.api.Assertions.assertThat;

import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestPostgres;
import flux.log.Operation;
import flux.log.TxId;
import flux.log.UntrackedChange;
import flux.log.WalRecords;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * History, blame and as-of over records that capture placed in commit order ({@code placed_after})
 * rather than in the order it recorded them, written through capture's own writer
 * ({@link WalRecords}): every read must follow the place, not the id, folded or not.
 */
@ExtendWith(FluxTestInfra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlacedRecordsIT {
    private static final Instant T0 = Instant.parse("2026-03-10T12:00:00Z");
    private final HistoryDatabase db;
    private long txid = 1000;
    private String request;

    PlacedRecordsIT(TestPostgres pg) throws SQLException {
        db = new HistoryDatabase(pg, "placed_records", "SELECT 1");
        db.execute("CREATE TABLE IF NOT EXISTS flux.tenants (id text PRIMARY KEY, schema_name text UNIQUE)");
        for (String table : new String[] {"users", "renamed", "emptied"}) {
            db.execute("CREATE TABLE " + table + " (id int PRIMARY KEY, email text, plan text)");
        }
    }

    @AfterAll
    void close() {
        db.close();
    }

    @Test
    void aChangeRecordedLateButPlacedEarlyYieldsToTheChangeThatCommittedAfterIt() throws SQLException {
        long insert = write(0, 1, change("users", "1", Operation.INSERT, null, user(1, "a@b.com", "free"), null));
        // the change that committed last is recorded first, placed after both; the one before it later,
        // placed after the insert (as capture places a raw write it records late)
        write(insert + 1, 3, change("users", "1", Operation.UPDATE, user(1, "a@b.com", "pro"),
                user(1, "a@b.com", "team"), null));
        String last = request;
        write(insert, 2, change("users", "1", Operation.UPDATE, user(1, "a@b.com", "free"), user(1, "a@b.com", "pro"),
                null));

        HistoryPage page = db.history.history("users", "1", new PageRequest(false, 10, null, null, null));
        assertThat(page.entries()).extracting(e -> e.after().get("plan").asText()).containsExactly("free", "pro", "team");
        assertThat(page.entries()).extracting(HistoryEntry::at)
                .containsExactly(at(1).toString(), at(2).toString(), at(3).toString());
        HistoryPage first = db.history.history("users", "1", PageRequest.newestFirst(1));
        HistoryPage second = db.history.history("users", "1", PageRequest.newestFirst(1).next(first.nextCursor()));
        assertThat(second.entries().get(0).after().get("plan").asText()).as("the cursor follows the place").isEqualTo("pro");

        assertThat(plan(blameUnfoldedAndFolded("users", "1"))).isEqualTo("team@" + last);
        assertThat(db.history.at("users", "1", at(2).plusMillis(1)).row().get("plan").asText()).isEqualTo("pro");
    }

    @Test
    void aKeyChangeMovesTheRowAndItsBlame() throws SQLException {
        long insert = write(0, 1, change("renamed", "10", Operation.INSERT, null, user(10, "k@b.com", "free"), null));
        String inserted = request;
        write(insert, 2, change("renamed", "11", Operation.UPDATE, user(10, "k@b.com", "free"),
                user(11, "k@b.com", "pro"), "10"));

        Blame moved = blameUnfoldedAndFolded("renamed", "11");
        assertThat(moved.movedFrom()).isEqualTo("10");
        Blame.Line email = moved.columns().stream().filter(l -> l.column().equals("email")).findFirst().orElseThrow();
        assertThat(email.requestId()).as("kept from the old key's insert").isEqualTo(inserted);
        Blame old = blameUnfoldedAndFolded("renamed", "10");
        assertThat(old.deleted()).isTrue();
        assertThat(old.movedTo()).isEqualTo("11");
        assertThat(db.history.history("renamed", "10", PageRequest.newestFirst(10)).entries().get(0).oldRowId())
                .isEqualTo("10");
        assertThat(db.history.at("renamed", "10", at(3)).exists()).isFalse();
        assertThat(db.history.at("renamed", "11", at(3)).row().get("plan").asText()).isEqualTo("pro");
    }

    @Test
    void aTruncateEndsEveryRowItFound() throws SQLException {
        long insert = write(0, 1, change("emptied", "20", Operation.INSERT, null, user(20, "t@b.com", "free"), null));
        write(insert, 2, change("emptied", "", Operation.TRUNCATE, null, null, null));

        Blame blame = blameUnfoldedAndFolded("emptied", "20");
        assertThat(blame.deleted()).isTrue();
        assertThat(blame.deletedBy().requestId()).isEqualTo(request);
        assertThat(db.history.history("emptied", "20", PageRequest.newestFirst(10)).entries())
                .extracting(HistoryEntry::operation).containsExactly("TRUNCATE", "INSERT");
        assertThat(db.history.at("emptied", "20", at(3)).exists()).isFalse();
        assertThat(db.history.at("emptied", "20", at(1)).exists()).isTrue();
    }

    private Blame blameUnfoldedAndFolded(String table, String id) throws SQLException {
        return FoldedBlame.read(db.history, db.dataSource, table, id);
    }

    private static String plan(Blame blame) {
        Blame.Line plan = blame.columns().stream().filter(l -> l.column().equals("plan")).findFirst().orElseThrow();
        return plan.value().asText() + "@" + plan.requestId();
    }

    /**
     * Records one raw transaction, committed at {@link #at}({@code second}), as capture does; returns
     * its record's id ({@link #request}: its request id).
     */
    private long write(long placedAfter, int second, UntrackedChange change) throws SQLException {
        long tx = txid++;
        request = "wal:" + tx;
        UntrackedChange placed = new UntrackedChange(change.tableSchema(), change.tableName(), change.rowId(),
                change.operation(), change.oldImage(), change.newImage(), placedAfter, change.oldRowId());
        try (Connection c = db.dataSource.getConnection()) {
            WalRecords.write(c, new TxId(tx), request, at(second), List.of(placed));
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT max(id) FROM flux.state_mutations")) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static UntrackedChange change(String table, String rowId, Operation operation, String old, String after,
                                          String oldRowId) {
        return new UntrackedChange("public", table, rowId, operation, old, after, 0, oldRowId);
    }

    private static String user(int id, String email, String plan) {
        return "{\"id\": " + id + ", \"email\": \"" + email + "\", \"plan\": \"" + plan + "\"}";
    }

    private static Instant at(int second) {
        return T0.plusSeconds(second);
    }
}

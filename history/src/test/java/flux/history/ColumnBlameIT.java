package flux.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestPostgres;
import flux.history.HistoryDatabase.Row;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(FluxTestInfra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ColumnBlameIT {
    private final HistoryDatabase db;

    ColumnBlameIT(TestPostgres pg) throws SQLException {
        db = new HistoryDatabase(pg, "column_blame",
                "CREATE TABLE users (id int PRIMARY KEY, email text NOT NULL, plan text NOT NULL, n int)");
    }

    @AfterAll
    void close() {
        db.close();
    }

    private List<String> summaries() throws SQLException {
        List<String> rows = new java.util.ArrayList<>();
        try (Connection c = db.dataSource.getConnection(); Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery("SELECT b::text FROM flux.row_blame b ORDER BY row_id")) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        return rows;
    }

    private Blame blame(String table, String id) throws SQLException {
        return FoldedBlame.read(db.history, db.dataSource, table, id);
    }

    private static Blame.Line line(Blame blame, String column) {
        return blame.columns().stream().filter(l -> l.column().equals(column)).findFirst().orElseThrow();
    }

    @Test
    void eachColumnNamesTheRequestThatLastCommittedItAndARolledBackLastAttempt() throws SQLException {
        Row row = Row.of("users", "{\"id\": 42}");
        db.insert("1a2b3c4d-insert", row, "{\"id\": 42, \"email\": \"a@b.com\", \"plan\": \"free\"}");
        db.update("4f9a3b2c-upgrade", row, "{\"plan\": \"pro\"}");
        db.update("550e8400-clear", row, "{\"plan\": null}");

        Blame blame = blame("users", "42");
        assertThat(blame.deleted()).isFalse();
        assertThat(blame.columns()).extracting(Blame.Line::column).containsExactly("id", "email", "plan", "n");
        Blame.Line plan = line(blame, "plan");
        assertThat(plan.value().asText()).isEqualTo("pro");
        assertThat(plan.requestId()).isEqualTo("4f9a3b2c-upgrade");
        assertThat(plan.lastAttempt().requestId()).isEqualTo("550e8400-clear");
        assertThat(plan.lastAttempt().status()).isEqualTo("rolled_back");
        assertThat(plan.lastAttempt().value().isNull()).isTrue();
        assertThat(plan.lastAttempt().error()).startsWith("23502: ");
        Blame.Line email = line(blame, "email");
        assertThat(email.value().asText()).isEqualTo("a@b.com");
        assertThat(email.requestId()).isEqualTo("1a2b3c4d-insert");
        assertThat(email.lastAttempt()).isNull();

        db.update("later-commit", row, "{\"plan\": \"team\"}");
        Blame after = blame("users", "42");
        assertThat(line(after, "plan").requestId()).isEqualTo("later-commit");
        assertThat(line(after, "plan").lastAttempt()).as("a commit after the attempt supersedes it").isNull();
    }

    @Test
    void columnsSetOnlyAtInsertKeepTheirInsertAfterManyUpdatesOfOthers() throws SQLException {
        Row row = Row.of("users", "{\"id\": 7}");
        db.insert("born", row, "{\"id\": 7, \"email\": \"e@x.io\", \"plan\": \"free\", \"n\": 0}");
        for (int i = 1; i <= 50; i++) {
            db.update("bump-" + i, row, "{\"n\": " + i + "}");
        }
        Blame blame = blame("users", "7");
        assertThat(line(blame, "email").requestId()).isEqualTo("born");
        assertThat(line(blame, "n").requestId()).isEqualTo("bump-50");
        assertThat(line(blame, "n").value().asInt()).isEqualTo(50);
    }

    @Test
    void aDeletedRowKeepsItsLastValuesAndSaysWhoDeletedIt() throws SQLException {
        Row row = Row.of("users", "{\"id\": 9}");
        db.insert("mk", row, "{\"id\": 9, \"email\": \"d@x.io\", \"plan\": \"free\"}");
        db.update("up", row, "{\"plan\": \"pro\"}");
        db.delete("rm", row);
        Blame blame = blame("users", "9");
        assertThat(blame.deleted()).isTrue();
        assertThat(blame.deletedBy().requestId()).isEqualTo("rm");
        assertThat(line(blame, "plan").value().asText()).isEqualTo("pro");
        assertThat(line(blame, "plan").requestId()).isEqualTo("up");
        assertThat(db.history.history("users", "9", PageRequest.newestFirst(10)).entries())
                .extracting(HistoryEntry::operation).containsExactly("DELETE", "UPDATE", "INSERT");

        db.insert("again", row, "{\"id\": 9, \"email\": \"d2@x.io\", \"plan\": \"free\"}");
        Blame reborn = blame("users", "9");
        assertThat(reborn.deleted()).isFalse();
        assertThat(reborn.deletedBy()).isNull();
        assertThat(line(reborn, "plan").requestId()).isEqualTo("again");
    }

    @Test
    void aRowWithOnlyAFailedInsertShowsTheAttempt() throws SQLException {
        Row row = Row.of("users", "{\"id\": 11}");
        assertThat(db.insert("bad-insert", row, "{\"id\": 11, \"email\": \"x@x.io\"}")).isFalse();
        Blame blame = blame("users", "11");
        assertThat(line(blame, "email").requestId()).isNull();
        assertThat(line(blame, "email").lastAttempt().requestId()).isEqualTo("bad-insert");
        assertThat(line(blame, "email").lastAttempt().value().asText()).isEqualTo("x@x.io");
    }

    @Test
    void unknownRowsAreNamedErrors() {
        assertThatThrownBy(() -> db.history.blame("users", "999"))
                .isInstanceOf(HistoryException.UnknownRow.class).hasMessage("no history for users row 999");
        assertThatThrownBy(() -> db.history.blame("public.nope", "1"))
                .isInstanceOf(HistoryException.UnknownTable.class);
    }

    @Test
    void refoldingTheWholeLogRebuildsTheSameSummary() throws SQLException {
        Row row = Row.of("users", "{\"id\": 13}");
        db.insert("old-insert", row, "{\"id\": 13, \"email\": \"b@x.io\", \"plan\": \"free\"}");
        db.update("old-update", row, "{\"plan\": \"pro\"}");
        db.update("old-attempt", row, "{\"email\": null}");
        for (int i = 4; i <= BlameFolder.SUMMARY_AFTER; i++) { // enough records for a summary
            db.update("old-count-" + i, row, "{\"n\": " + i + "}");
        }
        Row gone = Row.of("users", "{\"id\": 14}");
        db.insert("old-insert-2", gone, "{\"id\": 14, \"email\": \"g@x.io\", \"plan\": \"free\"}");
        db.delete("old-delete", gone);
        Blame before = blame("users", "13");
        List<String> summaries = summaries();
        assertThat(summaries).isNotEmpty();

        db.execute("TRUNCATE flux.row_blame; UPDATE flux.row_blame_progress SET folded_through = 0");
        HistorySchema.install(db.dataSource);
        assertThat(db.history.blame("users", "13")).as("exact with nothing folded").isEqualTo(before);
        assertThat(blame("users", "13")).isEqualTo(before);
        assertThat(summaries()).as("folding is idempotent and order-free: the same summary again").isEqualTo(summaries);
        assertThat(List.of(line(before, "email").lastAttempt().requestId(), line(before, "plan").requestId()))
                .containsExactly("old-attempt", "old-update");
    }
}

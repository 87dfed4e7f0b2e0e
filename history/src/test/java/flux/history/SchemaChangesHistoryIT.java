package flux.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestPostgres;
import flux.history.HistoryDatabase.Row;
import flux.log.SchemaChange;
import flux.log.SchemaJournal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A row's history, blame and as-of reads across schema changes made outside Flux and journaled (here
 * by the detector's call, right after each DDL): columns added, renamed and dropped, the table
 * renamed, then dropped.
 */
@ExtendWith(FluxTestInfra.class)
class SchemaChangesHistoryIT {
    private final HistoryDatabase db;

    SchemaChangesHistoryIT(TestPostgres pg) throws SQLException {
        db = new HistoryDatabase(pg, "schema_history", "SELECT 1");
    }

    @AfterEach
    void close() {
        db.close();
    }

    /** The DDL, then the journal's record of it, as the detector makes it; the engine then sees the new shape. */
    private void ddl(String sql) throws SQLException {
        db.execute(sql);
        try (Connection c = db.dataSource.getConnection()) {
            assertThat(SchemaJournal.record(c, SchemaChange.Recorder.DETECTOR, null)).isNotEmpty();
        }
        db.engine.catalog().refresh();
    }

    private Instant now() throws SQLException {
        return Instant.parse(db.pg.one("SELECT to_json(clock_timestamp())#>>'{}'"));
    }

    @Test
    void historyBlameAndAsOfFollowAddedRenamedAndDroppedColumnsAndARenamedThenDroppedTable() throws SQLException {
        ddl("CREATE TABLE evo (id int PRIMARY KEY, a text)");
        Row row = Row.of("evo", "{\"id\": 1}");
        assertThat(db.insert("req-insert", row, "{\"id\": 1, \"a\": \"x\"}")).isTrue();
        assertThat(db.update("req-a", row, "{\"a\": \"y\"}")).isTrue();
        Instant beforeAdd = now();
        ddl("ALTER TABLE evo ADD COLUMN b int DEFAULT 5");
        Instant afterAdd = now();
        assertThat(db.update("req-b", row, "{\"b\": 6}")).isTrue();
        ddl("ALTER TABLE evo RENAME COLUMN a TO a2");
        Instant afterRename = now();
        ddl("ALTER TABLE evo DROP COLUMN b");
        ddl("ALTER TABLE evo RENAME TO evo2");
        assertThat(db.update("req-moved", Row.of("evo2", "{\"id\": 1}"), "{\"id\": 1}")).isTrue();

        HistoryPage page = db.history.history("evo2", "1", new PageRequest(false, 50, null, null, null));
        assertThat(page.table()).isEqualTo("evo2");
        assertThat(page.entries()).extracting(HistoryEntry::requestId)
                .containsExactly("req-insert", "req-a", "req-b", "req-moved");
        HistoryEntry insert = page.entries().get(0);
        assertThat(insert.after().toString()).isEqualTo("{\"id\":1,\"a2\":\"x\"}");
        assertThat(insert.renamed()).isEqualTo(Map.of("a2", "a"));
        assertThat(page.entries().get(1).changedColumns()).containsExactly("a2");
        assertThat(page.entries().get(2).after().toString()).isEqualTo("{\"id\":1,\"a2\":\"y\",\"b\":6}");
        assertThat(page.entries().get(3).renamed()).isNull();
        assertThat(page.schemaChanges()).extracting(SchemaEvent::change, SchemaEvent::column, SchemaEvent::oldColumn)
                .containsExactly(tuple("add_column", "b", null),
                        tuple("rename_column", "a2", "a"),
                        tuple("drop_column", "b", null),
                        tuple("rename_table", null, null));
        assertThat(page.schemaChanges().get(3).oldTable()).isEqualTo("evo");

        Blame blame = db.history.blame("evo2", "1");
        assertThat(blame.columns()).extracting(Blame.Line::column, Blame.Line::requestId)
                .as("a2 was last written as a; b is dropped, and still blamed")
                .containsExactly(tuple("id", "req-insert"), tuple("a2", "req-a"), tuple("b", "req-b"));
        assertThat(blame.columns().get(1).value().asText()).isEqualTo("y");

        assertThat(db.history.at("evo2", "1", beforeAdd).row().toString()).isEqualTo("{\"id\":1,\"a\":\"y\"}");
        assertThat(db.history.at("evo2", "1", afterAdd).row().toString()).isEqualTo("{\"id\":1,\"a\":\"y\",\"b\":5}");
        assertThat(db.history.at("evo2", "1", afterRename).row().toString()).isEqualTo("{\"id\":1,\"a2\":\"y\",\"b\":6}");

        assertThat(db.history.history("evo", "1", PageRequest.newestFirst(1)).table())
                .as("the old name finds the table under its new one").isEqualTo("evo2");

        ddl("DROP TABLE evo2");
        History fresh = new History(db.dataSource); // db.history remembers evo2's shape for a few seconds
        HistoryPage dropped = fresh.history("evo2", "1", PageRequest.newestFirst(50));
        assertThat(dropped.tableDropped()).isTrue();
        assertThat(dropped.entries()).hasSize(4);
        assertThat(dropped.schemaChanges()).extracting(SchemaEvent::change).contains("drop_table");
        assertThat(fresh.blame("evo2", "1").columns()).extracting(Blame.Line::column).containsExactly("id", "a2", "b");
        assertThat(fresh.at("evo2", "1", afterRename).row().toString()).isEqualTo("{\"id\":1,\"a2\":\"y\",\"b\":6}");
    }

    /**
     * Capture logs a raw write under the name the table had when it was written, a moment after it
     * committed: a record logged under the old name after the rename was journaled is still the
     * row's, until another table takes the name (its records are that table's).
     */
    @Test
    void recordsLoggedUnderAFormerNameAreTheTablesUntilAnotherTableTakesTheName() throws SQLException {
        ddl("CREATE TABLE evo (id int PRIMARY KEY, a text)");
        assertThat(db.insert("req-insert", Row.of("evo", "{\"id\": 1}"), "{\"id\": 1, \"a\": \"x\"}")).isTrue();
        ddl("ALTER TABLE evo RENAME TO evo2");
        logUnderName("evo", "wal:late");
        ddl("CREATE TABLE evo (id int PRIMARY KEY, a text)");
        logUnderName("evo", "wal:other-table");

        assertThat(db.history.history("evo2", "1", new PageRequest(false, 50, null, null, null)).entries())
                .extracting(HistoryEntry::requestId).containsExactly("req-insert", "wal:late");
    }

    /** A committed raw update of row 1's {@code a} as capture logs it, under {@code table}. */
    private void logUnderName(String table, String requestId) throws SQLException {
        db.execute("INSERT INTO flux.state_mutations (request_id, txid, table_schema, table_name, row_id, operation,"
                + " old, new, changed_columns, source) VALUES ('" + requestId + "', pg_current_xact_id(), 'public', '"
                + table + "', '1', 'UPDATE', '{\"id\": 1, \"a\": \"x\"}', '{\"id\": 1, \"a\": \"y\"}', '{a}', 'wal')");
    }

    @Test
    void aTableDroppedBeforeTheJournalKnewItIsStillReadableFromTheLog() throws SQLException {
        db.execute("CREATE TABLE gone (id int PRIMARY KEY, v text)");
        db.engine.catalog().refresh();
        assertThat(db.insert("req-1", Row.of("gone", "{\"id\": 7}"), "{\"id\": 7, \"v\": \"kept\"}")).isTrue();
        db.execute("DROP TABLE gone");

        HistoryPage page = db.history.history("gone", "7", PageRequest.newestFirst(50));

        assertThat(page.tableDropped()).isTrue();
        assertThat(page.entries()).singleElement().satisfies(e -> assertThat(e.after().get("v").asText()).isEqualTo("kept"));
        assertThat(db.history.blame("gone", "7").columns()).extracting(Blame.Line::column)
                .containsExactlyInAnyOrder("id", "v");
    }
}

package flux.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestPostgres;
import flux.history.HistoryDatabase.Row;
import flux.query.model.RequestId;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(FluxTestInfra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RowHistoryIT {
    private final HistoryDatabase db;

    RowHistoryIT(TestPostgres pg) throws SQLException {
        db = new HistoryDatabase(pg, "row_history", """
                CREATE TABLE users (id int PRIMARY KEY, email text NOT NULL, plan text NOT NULL, n int);
                CREATE SCHEMA billing; CREATE TABLE billing.seats (org text, n int, holder text, PRIMARY KEY (org, n))""");
    }

    @AfterAll
    void close() {
        db.close();
    }

    @Test
    void pagesThroughAThousandEntriesWithoutGapsOrRepeatsInBothOrders() throws SQLException {
        Row row = Row.of("users", "{\"id\": 1}");
        db.insert("req-0", row, "{\"id\": 1, \"email\": \"p@x.io\", \"plan\": \"free\", \"n\": 0}");
        for (int i = 1; i < 1000; i++) {
            db.update("req-" + i, row, "{\"n\": " + i + "}");
        }
        for (boolean newestFirst : new boolean[] {true, false}) {
            List<Long> ids = new ArrayList<>();
            PageRequest page = new PageRequest(newestFirst, 64, null, null, null);
            int pages = 0;
            while (true) {
                HistoryPage p = db.history.history("users", "1", page);
                p.entries().forEach(e -> ids.add(e.id()));
                pages++;
                if (p.nextCursor() == null) {
                    break;
                }
                page = page.next(p.nextCursor());
            }
            assertThat(pages).isEqualTo(16);
            assertThat(ids).hasSize(1000).doesNotHaveDuplicates();
            assertThat(ids).isSortedAccordingTo(newestFirst ? (a, b) -> Long.compare(b, a) : Long::compare);
        }
        HistoryPage newest = db.history.history("users", "1", PageRequest.newestFirst(1));
        assertThat(newest.entries().get(0).requestId()).isEqualTo("req-999");
        assertThat(newest.entries().get(0).changedColumns()).containsExactly("n");
        assertThat(newest.entries().get(0).old().get("n").asInt()).isEqualTo(998);
        assertThat(newest.entries().get(0).after().get("n").asInt()).isEqualTo(999);
    }

    @Test
    void aTimeRangeKeepsOnlyTheEntriesWrittenInIt() throws SQLException {
        Row row = Row.of("users", "{\"id\": 2}");
        db.insert("t-0", row, "{\"id\": 2, \"email\": \"t@x.io\", \"plan\": \"free\", \"n\": 0}");
        for (int i = 1; i < 10; i++) {
            db.update("t-" + i, row, "{\"n\": " + i + "}");
        }
        List<HistoryEntry> all = db.history.history("users", "2", new PageRequest(false, 100, null, null, null)).entries();
        Instant from = Instant.parse(all.get(3).at());
        Instant to = Instant.parse(all.get(7).at());
        List<HistoryEntry> range = db.history.history("users", "2", new PageRequest(false, 100, null, from, to)).entries();
        assertThat(range).extracting(HistoryEntry::requestId).containsExactly("t-3", "t-4", "t-5", "t-6");
        HistoryPage firstOfRange = db.history.history("users", "2", new PageRequest(true, 2, null, from, to));
        assertThat(firstOfRange.entries()).extracting(HistoryEntry::requestId).containsExactly("t-6", "t-5");
        HistoryPage rest = db.history.history("users", "2", new PageRequest(true, 2, firstOfRange.nextCursor(), from, to));
        assertThat(rest.entries()).extracting(HistoryEntry::requestId).containsExactly("t-4", "t-3");
        assertThat(rest.nextCursor()).isNull();
    }

    @Test
    void rolledBackAttemptsShowWithTheirError() throws SQLException {
        Row row = Row.of("users", "{\"id\": 3}");
        db.insert("r-1", row, "{\"id\": 3, \"email\": \"r@x.io\", \"plan\": \"free\"}");
        assertThat(db.update("r-2", row, "{\"plan\": null}")).isFalse();
        HistoryEntry attempt = db.history.history("users", "3", PageRequest.newestFirst(10)).entries().get(0);
        assertThat(attempt.status()).isEqualTo("rolled_back");
        assertThat(attempt.error()).startsWith("23502: ");
        assertThat(attempt.changedColumns()).containsExactly("plan");
        assertThat(attempt.after().get("plan").isNull()).isTrue();
    }

    @Test
    void compositeKeysAreAcceptedCommaSeparatedOrAsAJsonArray() throws SQLException {
        Row seat = Row.of("billing.seats", "{\"org\": \"acme\", \"n\": 7}");
        db.insert("c-1", seat, "{\"org\": \"acme\", \"n\": 7, \"holder\": \"ann\"}");
        db.update("c-2", seat, "{\"holder\": \"bob\"}");
        HistoryPage byCommas = db.history.history("billing.seats", "acme,7", PageRequest.newestFirst(10));
        HistoryPage byJson = db.history.history("billing.seats", "[\"acme\", 7]", PageRequest.newestFirst(10));
        assertThat(byCommas.rowId()).isEqualTo("[\"acme\",\"7\"]");
        assertThat(byCommas.table()).isEqualTo("billing.seats");
        assertThat(byCommas.entries()).hasSize(2);
        assertThat(byJson.entries()).isEqualTo(byCommas.entries());
        assertThatThrownBy(() -> db.history.history("billing.seats", "acme", PageRequest.newestFirst(10)))
                .isInstanceOf(HistoryException.InvalidArgument.class)
                .hasMessageContaining("has 2 columns (org, n)");
    }

    @Test
    void imagesListColumnsInTableOrder() throws SQLException {
        Row row = Row.of("users", "{\"id\": 4}");
        db.insert("o-1", row, "{\"id\": 4, \"email\": \"o@x.io\", \"plan\": \"free\", \"n\": 1}");
        HistoryEntry insert = db.history.history("users", "4", PageRequest.newestFirst(1)).entries().get(0);
        List<String> keys = new ArrayList<>();
        insert.after().fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactly("id", "email", "plan", "n");
        assertThat(insert.old()).isNull();
        assertThat(insert.changedColumns()).isNull();
    }

    @Test
    void unknownTablesRowsAndBadArgumentsAreNamedErrors() {
        assertThatThrownBy(() -> db.history.history("nope", "1", PageRequest.newestFirst(10)))
                .isInstanceOf(HistoryException.UnknownTable.class).hasMessage("unknown table \"nope\"");
        assertThatThrownBy(() -> db.history.history("users", "424242", PageRequest.newestFirst(10)))
                .isInstanceOf(HistoryException.UnknownRow.class).hasMessage("no history for users row 424242");
        assertThatThrownBy(() -> db.history.history("a.b.c", "1", PageRequest.newestFirst(10)))
                .isInstanceOf(HistoryException.InvalidArgument.class);
        assertThatThrownBy(() -> db.history.history("users", "1", new PageRequest(true, 10, "zz", null, null)))
                .isInstanceOf(HistoryException.InvalidArgument.class).hasMessage("invalid cursor \"zz\"");
        assertThatThrownBy(() -> new PageRequest(true, 0, null, null, null))
                .isInstanceOf(HistoryException.InvalidArgument.class);
        assertThatThrownBy(() -> db.history.request("no-such-request", 10, null))
                .isInstanceOf(HistoryException.UnknownRequest.class);
    }

    @Test
    void aRequestListsEveryMutationItMadeAcrossTables() throws SQLException {
        db.engine.transaction(RequestId.of("multi"), tx -> {
            tx.query(db.insertQuery(Row.of("users", "{\"id\": 6}"), "{\"id\": 6, \"email\": \"m@x.io\", \"plan\": \"free\"}"));
            tx.query(db.insertQuery(Row.of("billing.seats", "{\"org\": \"m\", \"n\": 1}"), "{\"org\": \"m\", \"n\": 1}"));
        });
        RequestPage page = db.history.request("multi", 1, null);
        RequestPage rest = db.history.request("multi", 1, page.nextCursor());
        assertThat(page.entries()).extracting(HistoryEntry::table).containsExactly("users");
        assertThat(rest.entries()).extracting(HistoryEntry::table, HistoryEntry::rowId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("billing.seats", "[\"m\",\"1\"]"));
        assertThat(rest.nextCursor()).isNull();
        assertThat(new HashSet<>(List.of(page.entries().get(0).id(), rest.entries().get(0).id()))).hasSize(2);
    }
}

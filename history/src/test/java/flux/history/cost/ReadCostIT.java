package flux.history.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestPostgres;
import flux.history.BlameFolder;
import flux.history.History;
import flux.history.HistoryPage;
import flux.history.PageRequest;
import flux.query.QueryEngine;
import flux.query.QueryException;
import flux.query.model.Op;
import flux.query.model.Query;
import flux.query.model.RequestId;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The deterministic guard for history's promise that a read's cost does not grow with the length
 * of a row's history (DESIGN.md, issue #25): each read is run on a row with {@value #SHORT}
 * records and on one with {@value #LONG}, both written through the engine, and the shared buffers
 * its statements touch are counted ({@link BufferCounter}). The long row may cost at most
 * {@value #FACTOR} times the short one plus {@value #SLACK} buffers (an index level more, a page
 * boundary). Buffers do not depend on the machine's load, so this fails only when a plan reads
 * more of the log: as blame did when its unfolded-records predicate was an OR (every index entry
 * of the row, 1,000+ buffers on a 100,000-record row, against about 10).
 */
@ExtendWith(FluxTestInfra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReadCostIT {
    private static final int SHORT = 100;
    private static final int LONG = 10_000;
    private static final int FACTOR = 2;
    private static final int SLACK = 8;
    private static final int PER_TRANSACTION = 500;

    private final HikariDataSource dataSource;
    private final QueryEngine engine;
    private final BufferCounter counter;
    private final History history;
    /** A moment half-way through the long row's history. */
    private Instant middleOfLong;

    ReadCostIT(TestPostgres pg) throws Exception {
        dataSource = CostDatabase.open(pg, "read_cost");
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE items (id int PRIMARY KEY, n int NOT NULL CHECK (n >= 0), note text)");
        }
        engine = new QueryEngine(dataSource);
        write("short", 1, SHORT);
        write("long", 2, LONG);
        try (BlameFolder folder = new BlameFolder(dataSource)) {
            while (folder.foldOnce() > 0) {
                // until the folder has caught up with the whole log
            }
        }
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            st.execute("VACUUM ANALYZE flux.state_mutations");
            st.execute("VACUUM ANALYZE flux.row_blame");
        }
        counter = new BufferCounter(dataSource);
        history = new History(counter.recording());
    }

    @AfterAll
    void close() {
        dataSource.close();
    }

    /** Inserts row {@code id}, updates it until it has {@code records} committed records, plus one rolled-back attempt. */
    private void write(String name, int id, int records) {
        engine.query(RequestId.of(name + "-insert"), Query.insert("items").set(Map.of("id", id, "n", 0)).build());
        int done = 1;
        while (done < records) {
            int from = done;
            int count = Math.min(PER_TRANSACTION, records - done);
            engine.transaction(RequestId.of(name + "-" + from), tx -> {
                for (int k = 0; k < count; k++) {
                    tx.query(Query.update("items").set(Map.of("n", from + k, "note", name + " " + (from + k)))
                            .where("id", Op.EQ, id).build());
                }
            });
            done += count;
            if (id == 2 && middleOfLong == null && done >= records / 2) {
                middleOfLong = Instant.now();
            }
        }
        assertThatThrownBy(() -> engine.query(RequestId.of(name + "-refused"),
                Query.update("items").set(Map.of("n", -1)).where("id", Op.EQ, id).build()))
                .isInstanceOf(QueryException.class);
    }

    private interface Read {
        void run(String rowId) throws Exception;
    }

    /** The buffers {@code read} touches on the short and on the long row, asserted within the bound. */
    private void assertFlat(String what, Read read) throws Exception {
        long shortRow = buffersOf(read, "1");
        long longRow = buffersOf(read, "2");
        assertThat(longRow).as("%s: buffers on a row with %d records (%d on one with %d)", what, LONG, shortRow, SHORT)
                .isLessThanOrEqualTo(FACTOR * shortRow + SLACK);
    }

    private long buffersOf(Read read, String rowId) throws Exception {
        read.run(rowId); // warm the catalog caches and the table shape, which a server keeps
        counter.reset();
        read.run(rowId);
        assertThat(counter.statements()).as("statements recorded").isPositive();
        return counter.buffers();
    }

    @Test
    void theRowsHaveTheHistoriesTheGuardAssumes() {
        assertThat(history.history("items", "2", PageRequest.newestFirst(1)).entries().get(0).status())
                .isEqualTo("rolled_back");
        assertThat(count("2")).isEqualTo(LONG + 1);
        assertThat(count("1")).isEqualTo(SHORT + 1);
    }

    @Test
    void aHistoryPageCostsTheSameOnALongRow() throws Exception {
        assertFlat("newest page", row -> history.history("items", row, PageRequest.newestFirst(50)));
        assertFlat("oldest page", row -> history.history("items", row,
                new PageRequest(false, 50, null, null, null)));
    }

    @Test
    void aLaterPageCostsTheSameOnALongRow() throws Exception {
        assertFlat("third page", row -> {
            HistoryPage page = history.history("items", row, PageRequest.newestFirst(20));
            page = history.history("items", row, PageRequest.newestFirst(20).next(page.nextCursor()));
            history.history("items", row, PageRequest.newestFirst(20).next(page.nextCursor()));
        });
    }

    @Test
    void blameCostsTheSameOnALongRowOnceFolded() throws Exception {
        assertFlat("blame", row -> history.blame("items", row));
    }

    @Test
    void asOfCostsTheSameOnALongRow() throws Exception {
        assertFlat("as-of", row -> history.at("items", row, middleOfLong));
    }

    @Test
    void aTimeRangeCostsTheSameOnALongRow() throws Exception {
        assertFlat("time range", row -> history.history("items", row,
                new PageRequest(true, 50, null, middleOfLong.minusSeconds(3600), middleOfLong)));
    }

    private long count(String rowId) {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
             var rs = st.executeQuery("SELECT count(*) FROM flux.state_mutations WHERE row_id = '" + rowId + "'")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}

package flux.history.cost;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestPostgres;
import flux.history.Undo;
import flux.history.UndoForce;
import flux.history.UndoPlan;
import flux.query.QueryEngine;
import flux.query.model.Op;
import flux.query.model.Query;
import flux.query.model.RequestId;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The deterministic guard for undo's promise that its cost follows the request, not the rest of
 * the log (issue 23, docs/history.md "Undo a request"): the dry run of an undo (the request's
 * records, the table's shape, the conflict check: every read the undo runs, and runs again under
 * its locks) is counted in shared buffers ({@link BufferCounter}) on a log of a few hundred records,
 * then after {@value #HISTORY} records of other rows are added in bulk and analyzed. Both a request
 * written before that history and one of the same shape written after it may cost the small log's
 * count plus one buffer per row (the row index one level deeper) plus {@value #SLACK}: 1,240 on the
 * short log, 1,443 for both after. It fails when a read walks unrelated records: as the pages of
 * the request's records did while they were asked for by {@code request_id = ?} and ordered by id
 * alone, so that the generic plan (and, with a longer log, the custom one) walked the log's primary
 * key in id order and filtered (3,206 and 4,969 buffers here; 27,000 per page beside 1,000,000
 * records).
 */
@ExtendWith(FluxTestInfra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UndoCostIT {
    /** Rows the undone requests changed. */
    private static final int ROWS = 200;
    private static final int HISTORY = 50_000;
    /** Records per request of the unrelated history, like the bench's bulk inserts. */
    private static final int PER_REQUEST = 1_000;
    private static final int SLACK = 50;
    private static final long LATE_ROWS = 1_000_000;

    private final HikariDataSource dataSource;
    private final QueryEngine engine;
    private final BufferCounter counter;
    private final Undo undo;

    UndoCostIT(TestPostgres pg) throws Exception {
        dataSource = CostDatabase.open(pg, "undo_cost");
        execute("CREATE TABLE items (id bigint PRIMARY KEY, note text NOT NULL)");
        engine = new QueryEngine(dataSource);
        counter = new BufferCounter(dataSource);
        undo = new Undo(counter.recording(), engine);
    }

    @AfterAll
    void close() {
        dataSource.close();
    }

    @Test
    void aDryRunCostsTheSameBesideMuchUnrelatedHistory() throws Exception {
        change("early", 1);
        execute("VACUUM ANALYZE flux.state_mutations");
        long small = buffersOfDryRun("early");

        execute("INSERT INTO flux.state_mutations (request_id, txid, table_schema, table_name, row_id, operation,"
                + " old, new, changed_columns)"
                + " SELECT '01930000-0000-7000-8000-' || lpad(to_hex(g / " + PER_REQUEST + "), 12, '0'),"
                + " pg_current_xact_id(), 'public', 'items', (10000 + g)::text, 'UPDATE',"
                + " jsonb_build_object('id', 10000 + g, 'note', 'before'), jsonb_build_object('id', 10000 + g, 'note', 'after'),"
                + " ARRAY['note'] FROM generate_series(1, " + HISTORY + ") g");
        change("late", LATE_ROWS);
        execute("ANALYZE flux.state_mutations");

        long bound = small + ROWS + SLACK;
        assertThat(buffersOfDryRun("early")).as("a request older than %,d unrelated records (%d buffers on a short log)",
                HISTORY, small).isLessThanOrEqualTo(bound);
        assertThat(buffersOfDryRun("late")).as("a request after %,d unrelated records (%d buffers on a short log)",
                HISTORY, small).isLessThanOrEqualTo(bound);
    }

    /** Inserts rows {@code first..first+ROWS-1} as one request, then updates them all as request {@code name}. */
    private void change(String name, long first) {
        Query.Builder insert = Query.insert("items");
        for (long id = first; id < first + ROWS; id++) {
            insert.set(Map.of("id", id, "note", "n" + id));
        }
        engine.query(RequestId.of(name + "-insert"), insert.build());
        engine.query(RequestId.of(name), Query.update("items").set(Map.of("note", "changed"))
                .where("id", Op.GTE, first).where("id", Op.LT, first + ROWS).build());
    }

    private long buffersOfDryRun(String requestId) throws SQLException {
        dryRun(requestId); // warm the catalog caches, which a server keeps
        counter.reset();
        UndoPlan plan = dryRun(requestId);
        assertThat(plan.steps()).as("steps of the undo of %s", requestId).hasSize(ROWS);
        assertThat(plan.conflicts()).isEmpty();
        return counter.buffers();
    }

    private UndoPlan dryRun(String requestId) {
        return undo.plan(requestId, null, UndoForce.NONE);
    }

    private void execute(String sql) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}

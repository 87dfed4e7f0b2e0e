package flux.history;

import static org.assertj.core.api.Assertions.assertThat;

import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a blame read costs does not grow with the row's history (DESIGN.md: blame on a row of
 * 100,000 mutations within 1.5x of one of 100): counted in shared buffers the statement touches
 * (EXPLAIN ANALYZE BUFFERS), which load on the machine cannot change, on a row of 20,000 records
 * and one of 60, folded; and the same with records capture placed in the past, above the watermark.
 */
@ExtendWith(FluxTestInfra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BlameCostIT {
    private static final Pattern BUFFERS = Pattern.compile("Buffers: shared hit=(\\d+)(?: read=(\\d+))?");
    private static final TableShape SHAPE = new TableShape(new TableRef("public", "costly"),
            List.of("id", "email", "plan", "n"), List.of("id"));
    private final HistoryDatabase db;
    private String lastPlan;

    BlameCostIT(TestPostgres pg) throws SQLException {
        db = new HistoryDatabase(pg, "blame_cost", "SELECT 1");
        // every 10th record changes the plan, every 50th is a rolled-back attempt; email is set by the INSERT only
        for (String row : new String[] {"short", "long"}) {
            int records = row.equals("short") ? 60 : 20_000;
            db.execute("INSERT INTO flux.state_mutations (request_id, table_schema, table_name, row_id, operation, old, new,"
                    + " changed_columns, status) SELECT 'r-' || g, 'public', 'costly', '" + row + "',"
                    + " CASE WHEN g = 1 THEN 'INSERT' ELSE 'UPDATE' END,"
                    + " CASE WHEN g = 1 THEN NULL ELSE jsonb_build_object('n', g - 1) END,"
                    + " jsonb_build_object('id', 1, 'email', 'a@b.com', 'plan', 'p' || (g / 10), 'n', g),"
                    + " CASE WHEN g = 1 THEN NULL WHEN g % 10 = 0 THEN ARRAY['plan', 'n'] ELSE ARRAY['n'] END,"
                    + " CASE WHEN g % 50 = 0 THEN 'rolled_back' ELSE 'committed' END"
                    + " FROM generate_series(1, " + records + ") g");
        }
        BlameFolder folder = new BlameFolder(db.dataSource);
        while (folder.foldOnce() > 0) {
            // until the log is folded
        }
        db.execute("VACUUM ANALYZE flux.state_mutations");
    }

    @AfterAll
    void close() {
        db.close();
    }

    @Test
    void aBlameReadsAsManyBuffersOnAHistoryOf20000RecordsAsOnOneOf60() throws SQLException {
        int shortRow = buffers("short");
        int longRow = buffers("long");
        // a few more for the long row: its index probes descend one b-tree level more
        assertThat(longRow).as("buffers of a blame of the long row (short row: %d):\n%s", shortRow, lastPlan)
                .isLessThanOrEqualTo(shortRow + 8).isLessThanOrEqualTo(40);
    }

    @Test
    void recordsCapturePlacedInThePastAboveTheWatermarkCostTheirOwnFewBuffers() throws SQLException {
        int before = buffers("long");
        db.execute("INSERT INTO flux.state_mutations (request_id, table_schema, table_name, row_id, operation, old, new,"
                + " changed_columns, source, placed_after) SELECT 'wal:' || g, 'public', 'costly', 'long', 'UPDATE',"
                + " '{\"n\": 1}', '{\"id\": 1, \"email\": \"a@b.com\", \"plan\": \"p\", \"n\": 2}', ARRAY['n'], 'wal', 100"
                + " FROM generate_series(1, 3) g");
        assertThat(buffers("long")).as("three unfolded records placed after record 100").isLessThanOrEqualTo(before + 12);
    }

    private int buffers(String rowId) throws SQLException {
        StringBuilder plan = new StringBuilder();
        try (Connection c = db.dataSource.getConnection();
             PreparedStatement ps = BlameRead.prepare(c, "EXPLAIN (ANALYZE, BUFFERS) ", SHAPE, rowId, null);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                plan.append(rs.getString(1)).append('\n');
            }
        }
        Matcher m = BUFFERS.matcher(plan);
        assertThat(m.find()).as(plan.toString()).isTrue();
        lastPlan = plan.toString();
        return Integer.parseInt(m.group(1)) + (m.group(2) == null ? 0 : Integer.parseInt(m.group(2)));
    }
}

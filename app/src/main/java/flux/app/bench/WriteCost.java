package flux.app.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;

/**
 * What history's write-side support costs the engine: the same engine-shaped write (one
 * statement: UPDATE a row and insert its mutation record, one transaction) timed on a
 * database with only the flux schema and on one that also has history's trigger and index.
 * Rounds alternate between the two so machine noise hits both alike; the median round counts.
 */
final class WriteCost {
    private static final String WRITE = """
            WITH old AS (SELECT to_jsonb(w) AS image FROM bench_writes w WHERE id = ?),
                 upd AS (UPDATE bench_writes w SET v = v + 1 WHERE id = ? RETURNING to_jsonb(w) AS image)
            INSERT INTO flux.state_mutations
                (request_id, txid, table_schema, table_name, row_id, operation, old, new, changed_columns)
            SELECT ?, pg_current_xact_id(), 'public', 'bench_writes', ?, 'UPDATE', old.image, upd.image, ARRAY['v']
            FROM old, upd
            """;
    private static final int ROWS = 1_000;

    record Result(double plainMicros, double trackedMicros) {
        double ratio() {
            return trackedMicros / plainMicros;
        }
    }

    private WriteCost() {
    }

    static Result measure(DataSource plain, DataSource tracked, int rounds, int writesPerRound) throws SQLException {
        prepare(plain);
        prepare(tracked);
        round(plain, writesPerRound);   // warm-up
        round(tracked, writesPerRound);
        double[] p = new double[rounds];
        double[] t = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            p[r] = round(plain, writesPerRound);
            t[r] = round(tracked, writesPerRound);
        }
        return new Result(median(p), median(t));
    }

    private static void prepare(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS bench_writes (id int PRIMARY KEY, v int NOT NULL)");
            st.execute("INSERT INTO bench_writes SELECT i, 0 FROM generate_series(1, " + ROWS + ") i ON CONFLICT DO NOTHING");
        }
    }

    /** Microseconds per write over one round of single-statement transactions. */
    private static double round(DataSource dataSource, int writes) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(WRITE)) {
            long start = System.nanoTime();
            for (int i = 0; i < writes; i++) {
                int id = ThreadLocalRandom.current().nextInt(1, ROWS + 1);
                ps.setInt(1, id);
                ps.setInt(2, id);
                ps.setString(3, "bench-write-" + i);
                ps.setString(4, Integer.toString(id));
                ps.executeUpdate();
            }
            return (System.nanoTime() - start) / 1_000.0 / writes;
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}

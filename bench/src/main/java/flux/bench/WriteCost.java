package flux.bench;

import java.sql.Connection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;

/**
 * What history's write-side support costs the engine: the same engine-shaped write (one
 * statement: UPDATE a row and insert its mutation record, one transaction) timed on two
 * fresh databases of the same server, one with only the flux schema and one that also has
 * history's time index (the blame summary is folded in the background, off the write).
 * Rounds alternate between the two so machine noise hits both alike; the median round counts.
 * Besides wall time per write it reads the serving backend's CPU time from /proc (Linux), which
 * a busy machine disturbs far less.
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

    /** Medians per write, in microseconds: wall time, and the backend's CPU time (NaN off Linux). */
    record Result(double plainMicros, double trackedMicros, double plainCpuMicros, double trackedCpuMicros) {
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
        double[][] p = new double[2][rounds];
        double[][] t = new double[2][rounds];
        for (int r = 0; r < rounds; r++) {
            double[] a = round(plain, writesPerRound);
            double[] b = round(tracked, writesPerRound);
            p[0][r] = a[0];
            p[1][r] = a[1];
            t[0][r] = b[0];
            t[1][r] = b[1];
        }
        return new Result(median(p[0]), median(t[0]), median(p[1]), median(t[1]));
    }

    private static void prepare(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS bench_writes (id int PRIMARY KEY, v int NOT NULL)");
            st.execute("INSERT INTO bench_writes SELECT i, 0 FROM generate_series(1, " + ROWS + ") i ON CONFLICT DO NOTHING");
        }
    }

    /** Microseconds per write over one round of single-statement transactions: {wall, backend CPU}. */
    private static double[] round(DataSource dataSource, int writes) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(WRITE)) {
            int backend = backendPid(c);
            long cpuStart = cpuTicks(backend);
            long start = System.nanoTime();
            for (int i = 0; i < writes; i++) {
                int id = ThreadLocalRandom.current().nextInt(1, ROWS + 1);
                ps.setInt(1, id);
                ps.setInt(2, id);
                ps.setString(3, "bench-write-" + i);
                ps.setString(4, Integer.toString(id));
                ps.executeUpdate();
            }
            double wall = (System.nanoTime() - start) / 1_000.0 / writes;
            long cpuEnd = cpuTicks(backend);
            double cpu = cpuStart < 0 || cpuEnd < 0 ? Double.NaN : (cpuEnd - cpuStart) * 10_000.0 / writes;
            return new double[] {wall, cpu};
        }
    }

    private static int backendPid(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** utime + stime of a process in clock ticks (1/100 s on Linux), or -1 when /proc cannot tell. */
    private static long cpuTicks(int pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Integer.toString(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}

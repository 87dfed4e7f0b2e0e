package flux.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * The benchmark's mutation log: rows of {@code bench_users} whose histories are long UPDATE
 * chains of column {@code n}, with {@code email} set only by the INSERT (the case a naive
 * "latest record touching each column" blame must scan the whole history for), a {@code plan}
 * change every 10th record and a rolled-back attempt every 50th. Written straight into
 * {@code flux.state_mutations} (the blame folder reads them as it reads the engine's), in
 * batches of 200 per transaction, interleaved with other rows' records as a live log would be.
 */
final class HistoryBenchData {
    static final String TABLE = "bench_users";
    private static final String CHAIN = """
            INSERT INTO flux.state_mutations
                (request_id, table_schema, table_name, row_id, operation, old, new, changed_columns, status, error)
            SELECT 'bench-' || ? || '-' || i, 'public', 'bench_users', ?::text,
                   CASE WHEN i = 0 THEN 'INSERT' ELSE 'UPDATE' END,
                   CASE WHEN i = 0 THEN NULL ELSE jsonb_build_object('id', ?::int, 'email', 'e' || ? || '@x.io',
                        'plan', CASE WHEN (i - 1) / 10 % 2 = 0 THEN 'free' ELSE 'pro' END, 'n', i - 1) END,
                   jsonb_build_object('id', ?::int, 'email', 'e' || ? || '@x.io',
                        'plan', CASE WHEN i % 50 = 0 THEN NULL WHEN i / 10 % 2 = 0 THEN 'free' ELSE 'pro' END, 'n', i),
                   CASE WHEN i = 0 THEN NULL WHEN i % 50 = 0 THEN ARRAY['plan', 'n']
                        WHEN i % 10 = 0 THEN ARRAY['plan', 'n'] ELSE ARRAY['n'] END,
                   CASE WHEN i > 0 AND i % 50 = 0 THEN 'rolled_back' ELSE 'committed' END,
                   CASE WHEN i > 0 AND i % 50 = 0 THEN '23502: null value in column "plan"' END
            FROM generate_series(?::int, ?::int) AS i
            ORDER BY i
            """;

    private final DataSource dataSource;

    HistoryBenchData(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    void createTable() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS bench_users (id int PRIMARY KEY, email text NOT NULL,"
                    + " plan text NOT NULL, n int NOT NULL)");
        }
    }

    /**
     * Builds the histories: row {@code bigId} with {@code big} records, row {@code smallId}
     * with {@code small}, and {@code noiseRows} rows of {@code noiseEach} records around them.
     */
    void build(int bigId, int big, int smallId, int small, int noiseRows, int noiseEach) throws SQLException {
        int batch = 200;
        int batches = Math.max(1, (big + batch - 1) / batch);
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(CHAIN)) {
            for (int b = 0; b < batches; b++) {
                chain(ps, bigId, b * batch, Math.min(big, (b + 1) * batch) - 1);
                int smallPerBatch = (small + batches - 1) / batches;
                chain(ps, smallId, Math.min(small, b * smallPerBatch), Math.min(small, (b + 1) * smallPerBatch) - 1);
                int noisePerBatch = (noiseEach + batches - 1) / batches;
                for (int r = 0; r < noiseRows; r++) {
                    chain(ps, 1_000_000 + r, Math.min(noiseEach, b * noisePerBatch),
                            Math.min(noiseEach, (b + 1) * noisePerBatch) - 1);
                }
            }
        }
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            st.execute("VACUUM ANALYZE flux.state_mutations");
        }
    }

    /**
     * Continues row {@code rowId}'s chain with records {@code first} to {@code last} (as the engine's
     * writes would add them while the blame folder rests).
     */
    void append(int rowId, int first, int last) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(CHAIN)) {
            for (int from = first; from <= last; from += 200) {
                chain(ps, rowId, from, Math.min(last, from + 199));
            }
        }
    }

    private static void chain(PreparedStatement ps, int rowId, int first, int last) throws SQLException {
        if (first > last) {
            return;
        }
        ps.setInt(1, rowId);
        ps.setInt(2, rowId);
        ps.setInt(3, rowId);
        ps.setInt(4, rowId);
        ps.setInt(5, rowId);
        ps.setInt(6, rowId);
        ps.setInt(7, first);
        ps.setInt(8, last);
        ps.executeUpdate();
    }
}

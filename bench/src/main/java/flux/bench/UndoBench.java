package flux.bench;

import com.zaxxer.hikari.HikariDataSource;
import flux.dev.LocalPostgres;
import flux.dev.Ports;
import flux.history.HistorySchema;
import flux.log.SchemaChange;
import flux.log.SchemaJournal;
import flux.history.Undo;
import flux.history.UndoForce;
import flux.history.UndoPlan;
import flux.query.QueryEngine;
import flux.query.model.Op;
import flux.query.model.Query;
import flux.query.model.RequestId;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code flux-bench undo}: the undo of a request that changed {@code --rows} rows (each row's old
 * value its own, so the undo writes them one by one), its conflict check included, in-process
 * against an embedded PostgreSQL, over a table whose log also holds {@code --history} records of
 * other rows (the check must not grow with them). Each round undoes the previous round's request
 * (an undo of an undo redoes), so every round plans and applies the same number of steps. Then a
 * time-travel select of {@code --asof-rows} rows from a table with {@code --asof-records} log records.
 */
@Command(name = "undo", mixinStandardHelpOptions = true,
        description = "Benchmark undo of a many-row request and time-travel select (embedded PostgreSQL).")
final class UndoBench implements Callable<Integer> {
    private static final double TARGET_MS = 1000;
    private static final int BATCH = 1000;
    private static final double TARGET_ASOF_P99_MS = 100;

    @Spec
    CommandSpec spec;

    @Option(names = "--rows", paramLabel = "N", defaultValue = "1000", description = "rows the undone request changed (default ${DEFAULT-VALUE})")
    int rows;

    @Option(names = "--history", paramLabel = "N", defaultValue = "1000000",
            description = "log records of other rows of the same table (default ${DEFAULT-VALUE})")
    int history;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "30", description = "timed undos (default ${DEFAULT-VALUE})")
    int rounds;

    @Option(names = "--asof-rows", paramLabel = "N", defaultValue = "1000",
            description = "rows of the time-travel select's table (default ${DEFAULT-VALUE}; 0 skips it)")
    int asOfRows;

    @Option(names = "--asof-records", paramLabel = "N", defaultValue = "1000000",
            description = "log records of that table: its rows updated over and over (default ${DEFAULT-VALUE})")
    int asOfRecords;

    @Option(names = "--asof-iterations", paramLabel = "N", defaultValue = "200", description = "timed time-travel selects (default ${DEFAULT-VALUE})")
    int asOfIterations;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "5", description = "untimed undos first (default ${DEFAULT-VALUE})")
    int warmup;

    @Override
    public Integer call() throws Exception {
        if (rows < 1 || history < 0 || rounds < 1 || warmup < 0) {
            throw new ParameterException(spec.commandLine(), "need --rows >= 1, --history >= 0, --rounds >= 1, --warmup >= 0");
        }
        PrintWriter out = spec.commandLine().getOut();
        Path dir = Files.createTempDirectory("flux-bench-undo");
        try (LocalPostgres pg = LocalPostgres.start(dir.resolve("pg"), Ports.findFree());
             HikariDataSource ds = HistoryBench.pool(pg.jdbcUrl())) {
            HistorySchema.install(ds);
            try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE bench_undo (id bigint PRIMARY KEY, note text NOT NULL)");
            }
            QueryEngine engine = new QueryEngine(ds);
            long start = System.nanoTime();
            insert(engine, 1, rows);
            // Other rows, written and rewritten, so the log is long where the undo does not look.
            long other = rows + 1;
            for (int written = 0; written < history; written += BATCH) {
                int n = Math.min(BATCH, history - written);
                insert(engine, other, other + n - 1);
                other += n;
            }
            try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                st.execute("VACUUM ANALYZE flux.state_mutations");
            }
            out.printf("flux-bench undo: %,d rows + %,d other records written in %.1f s%n", rows, history,
                    (System.nanoTime() - start) / 1e9);
            engine.query(RequestId.of("bench-change"), Query.update("bench_undo").set(Map.of("note", "changed"))
                    .where("id", Op.LTE, rows).build());
            Undo undo = new Undo(ds, engine);
            Latencies latencies = new Latencies(rounds);
            String last = "bench-change";
            for (int round = -warmup; round < rounds; round++) {
                String next = "bench-undo-" + (round + warmup);
                long t = System.nanoTime();
                UndoPlan plan = undo.undo(last, null, UndoForce.NONE, RequestId.of(next), null);
                if (round >= 0) {
                    latencies.add(System.nanoTime() - t);
                }
                if (plan.steps().size() != rows) {
                    throw new BenchFailure("the undo planned " + plan.steps().size() + " steps, not " + rows);
                }
                last = next;
            }
            double p50 = latencies.percentileMillis(50);
            double p99 = latencies.percentileMillis(99);
            out.printf("undo of a %,d-row request (plan, conflict check, apply, re-check), %d rounds:"
                    + " p50 %.1f ms  p99 %.1f ms  (target <= %.0f ms)%n", rows, rounds, p50, p99, TARGET_MS);
            boolean met = p99 <= TARGET_MS;
            if (asOfRows > 0) {
                met &= asOf(out, ds, engine);
            }
            out.println(met ? "targets met" : "targets MISSED");
            out.flush();
            return Bench.OK;
        } finally {
            HistoryBench.delete(dir);
        }
    }

    /**
     * A time-travel select of every row of a table whose log holds {@code --asof-records} records
     * (its rows rewritten again and again), at a moment in the middle of that history. The table is
     * created as a Flux migration creates it (journaled), so the log covers it.
     */
    private boolean asOf(PrintWriter out, HikariDataSource ds, QueryEngine engine) throws Exception {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            st.execute("CREATE TABLE bench_asof (id bigint PRIMARY KEY, note text NOT NULL)");
            SchemaJournal.recordInTransaction(c, SchemaChange.Recorder.MIGRATION);
            c.commit();
        }
        engine.catalog().refresh();
        insert(engine, "bench_asof", 1, asOfRows);
        int rounds = Math.max(1, asOfRecords / asOfRows - 1);
        java.time.Instant middle = null;
        for (int round = 0; round < rounds; round++) {
            engine.query(RequestId.generate(), Query.update("bench_asof").set(Map.of("note", "v" + round))
                    .where("id", Op.LTE, asOfRows).build());
            if (round == rounds / 2) {
                middle = java.time.Instant.now();
            }
        }
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("VACUUM ANALYZE flux.state_mutations");
        }
        Query all = Query.select("bench_asof").build();
        Latencies latencies = new Latencies(asOfIterations);
        for (int i = -Math.min(20, asOfIterations); i < asOfIterations; i++) {
            long t = System.nanoTime();
            int n = engine.queryAsOf(RequestId.generate(), null, null, all, middle).size();
            if (i >= 0) {
                latencies.add(System.nanoTime() - t);
            }
            if (n != asOfRows) {
                throw new BenchFailure("the time-travel select returned " + n + " rows, not " + asOfRows);
            }
        }
        double p99 = latencies.percentileMillis(99);
        out.printf("time-travel select of %,d rows, table with %,d log records: p50 %.1f ms  p99 %.1f ms"
                + "  (target p99 <= %.0f ms)%n", asOfRows, (long) asOfRows * (rounds + 1), latencies.percentileMillis(50),
                p99, TARGET_ASOF_P99_MS);
        return p99 <= TARGET_ASOF_P99_MS;
    }

    /** Rows {@code from..to} of bench_undo, each with a note of its own, as one engine request. */
    private static void insert(QueryEngine engine, long from, long to) {
        insert(engine, "bench_undo", from, to);
    }

    private static void insert(QueryEngine engine, String table, long from, long to) {
        Query.Builder insert = Query.insert(table);
        for (long id = from; id <= to; id++) {
            insert.set(Map.of("id", id, "note", "n" + id));
        }
        engine.query(RequestId.generate(), insert.build());
    }
}

package flux.bench;

import flux.dev.LocalPostgres;
import flux.dev.Ports;
import flux.migrate.DatabaseConnector;
import flux.migrate.Drift;
import flux.migrate.MigrationFile;
import flux.migrate.MigrationFiles;
import flux.migrate.MigrationReport;
import flux.migrate.MigrationSettings;
import flux.migrate.Migrator;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.postgresql.ds.PGSimpleDataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code flux-bench migrate}: applying {@code --files} small migrations to an empty database
 * with {@code Migrator}, as {@code flux db migrate} does (lock, ledger, a transaction per file
 * with its ledger row, replica identity and NOTIFY), on an embedded PostgreSQL of its own. The
 * files cycle through a new table, an added column, an index and an insert. Measured per round
 * on a fresh database: reading the directory, applying every file, a second run that finds
 * nothing to do, the same files written as golang-migrate projects do (their own BEGIN/COMMIT:
 * statement by statement in autocommit), and {@code drift} (all files replayed in a scratch
 * database, both catalogs read and compared). The machine's load is printed with the figures.
 */
@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = "Seconds to apply N small migrations (and re-run, own-transaction files, drift).")
public final class MigrateBench implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--files", defaultValue = "500", description = "Migration files (default ${DEFAULT-VALUE}).")
    int files;

    @Option(names = "--rounds", defaultValue = "3", description = "Rounds, each on fresh databases (default ${DEFAULT-VALUE}).")
    int rounds;

    private record Round(double readSeconds, double applySeconds, double noopSeconds, double ownTxSeconds,
                         double driftSeconds, String busy) {
    }

    @Override
    public Integer call() throws Exception {
        if (files < 5 || rounds < 1) {
            throw new ParameterException(spec.commandLine(), "--files must be at least 5, --rounds at least 1");
        }
        PrintWriter out = spec.commandLine().getOut();
        Path dir = Files.createTempDirectory("flux-bench-migrate");
        Path plain = write(Files.createDirectories(dir.resolve("plain")), false);
        Path ownTx = write(Files.createDirectories(dir.resolve("own-transactions")), true);
        List<Round> results = new ArrayList<>();
        try (LocalPostgres pg = LocalPostgres.start(dir.resolve("pg"), Ports.findFree())) {
            for (int r = 1; r <= rounds; r++) {
                results.add(round(pg, r, plain, ownTx));
                Round last = results.get(results.size() - 1);
                out.printf("round %d: read %.2f s, apply %.2f s, re-run %.2f s, own transactions %.2f s, drift %.2f s"
                                + " (machine %s busy)%n", r, last.readSeconds(), last.applySeconds(), last.noopSeconds(),
                        last.ownTxSeconds(), last.driftSeconds(), last.busy());
            }
        }
        out.printf("%n%d files, %d rounds, %d cores, load average %s, %s %s%n", files, rounds,
                Runtime.getRuntime().availableProcessors(), loadAverage(), System.getProperty("java.vm.name"),
                System.getProperty("java.version"));
        out.printf("%-44s %8s %8s %12s%n", "step", "best s", "median s", "ms per file");
        row(out, "read and parse the directory", results.stream().mapToDouble(Round::readSeconds).toArray());
        row(out, "apply all (a transaction per file)", results.stream().mapToDouble(Round::applySeconds).toArray());
        row(out, "re-run: nothing to do", results.stream().mapToDouble(Round::noopSeconds).toArray());
        row(out, "apply all, own BEGIN/COMMIT (autocommit)", results.stream().mapToDouble(Round::ownTxSeconds).toArray());
        row(out, "drift: replay in a scratch database, compare", results.stream().mapToDouble(Round::driftSeconds).toArray());
        out.flush();
        return Bench.OK;
    }

    private Round round(LocalPostgres pg, int round, Path plain, Path ownTx) throws Exception {
        long[] ticks = MachineMeters.machineTicks();
        PGSimpleDataSource db = database(pg, "bench_migrate_" + round);
        Migrator migrator = new Migrator(db, MigrationSettings.DEFAULTS);
        long t0 = System.nanoTime();
        List<MigrationFile> list = MigrationFiles.directory(plain, null);
        list.forEach(MigrationFile::script);
        long t1 = System.nanoTime();
        MigrationReport applied = migrator.migrate(list, false);
        long t2 = System.nanoTime();
        MigrationReport again = migrator.migrate(list, false);
        long t3 = System.nanoTime();
        if (applied.outcomes().size() != files || !again.outcomes().isEmpty()) {
            throw new BenchFailure("expected " + files + " applied and none re-run, got " + applied.outcomes().size()
                    + " and " + again.outcomes().size());
        }
        PGSimpleDataSource own = database(pg, "bench_migrate_own_" + round);
        long t4 = System.nanoTime();
        new Migrator(own, MigrationSettings.DEFAULTS).migrate(MigrationFiles.directory(ownTx, null), false);
        long t5 = System.nanoTime();
        boolean drift = !new Drift(db, DatabaseConnector.sameServer(db.getUrl(), LocalPostgres.USER, null))
                .check(list).same();
        long t6 = System.nanoTime();
        if (drift) {
            throw new BenchFailure("drift found in a database made only by its migrations");
        }
        return new Round(seconds(t0, t1), seconds(t1, t2), seconds(t2, t3), seconds(t4, t5), seconds(t5, t6),
                MachineMeters.busySince(ticks));
    }

    private static PGSimpleDataSource database(LocalPostgres pg, String name) throws Exception {
        try (Connection c = java.sql.DriverManager.getConnection(pg.jdbcUrl(), LocalPostgres.USER, "");
             Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            st.execute("CREATE DATABASE " + name);
        }
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(pg.jdbcUrl(name));
        ds.setUser(LocalPostgres.USER);
        return ds;
    }

    /** Small files as projects write them: a table, then a column, an index and a row for it. */
    private Path write(Path dir, boolean ownTransactions) throws IOException {
        for (int i = 1; i <= files; i++) {
            int table = (i - 1) / 4 * 4 + 1;
            String sql = switch ((i - 1) % 4) {
                case 0 -> "CREATE TABLE t" + table + " (id bigint PRIMARY KEY, name text NOT NULL);";
                case 1 -> "ALTER TABLE t" + table + " ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();";
                case 2 -> "CREATE INDEX t" + table + "_name ON t" + table + " (name);";
                default -> "INSERT INTO t" + table + " (id, name) VALUES (1, 'first; of t" + table + "');";
            };
            String text = ownTransactions ? "-- golang-migrate style\nSELECT 1;\nBEGIN;\n" + sql + "\nCOMMIT;\n" : sql + "\n";
            Files.writeString(dir.resolve(String.format("%04d_step.up.sql", i)), text);
        }
        return dir;
    }

    private void row(PrintWriter out, String step, double[] seconds) {
        double[] sorted = seconds.clone();
        java.util.Arrays.sort(sorted);
        double median = sorted[sorted.length / 2];
        out.printf("%-44s %8.2f %8.2f %12.2f%n", step, sorted[0], median, 1000 * median / files);
    }

    private static double seconds(long from, long to) {
        return (to - from) / 1e9;
    }

    /** The 1, 5 and 15 minute load averages (Linux): the machine is shared, and busy neighbours slow a run. */
    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "(unknown)";
        }
    }
}

package flux.bench;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The tables {@code flux-bench write} prints: every measured cell, then the ratios the targets
 * name. A ratio is taken between cells of the same round (the cells of one round run minutes
 * apart at most; rounds see a shared machine at different moments), and with several rounds
 * summarized as the median and the range over the rounds.
 */
final class WriteReport {
    /** A ratio column: its heading and how it is computed from one round's cells of one op and client count. */
    private record Ratio(String heading, ToDoubleFunction<Cells> value) {
    }

    /** The cells of one round, one op and one client count, by mode. */
    private record Cells(List<WriteBench.Row> rows, int round, String op, int clients) {
        double ops(String mode) {
            return ops(mode, clients);
        }

        double ops(String mode, int atClients) {
            return rows.stream().filter(r -> r.round() == round && r.op().equals(op) && r.clients() == atClients
                            && r.mode().equals(mode))
                    .mapToDouble(r -> r.cell().opsPerSecond()).findFirst().orElse(Double.NaN);
        }
    }

    private static final List<Ratio> RATIOS = List.of(
            new Ratio("(c)/(a) target >= 0.6", c -> c.ops("c") / c.ops("a")),
            new Ratio("(p)/(a) bound", c -> c.ops("p") / c.ops("a")),
            new Ratio("(c)/(p)", c -> c.ops("c") / c.ops("p")),
            new Ratio("(c)/(w) target >= 1.1", c -> c.ops("c") / c.ops("w")),
            new Ratio("(c)/(s) target >= 1.0", c -> c.ops("c") / c.ops("s")),
            new Ratio("(c)/(b)", c -> c.ops("c") / c.ops("b")),
            new Ratio("(d)/(c) target >= 0.85", c -> c.ops("d") / c.ops("c")),
            new Ratio("(n)/(c) floor", c -> c.ops("n") / c.ops("c")),
            new Ratio("(d)/(n)", c -> c.ops("d") / c.ops("n")),
            new Ratio("(e)/(c) target >= 0.95", c -> c.ops("e") / c.ops("c")));

    private final List<WriteBench.Row> rows;
    private final List<String> ops;
    private final List<Integer> clients;
    private final int rounds;
    private final Map<String, String> modeNames;

    WriteReport(List<WriteBench.Row> rows, List<String> ops, List<Integer> clients, int rounds, Map<String, String> modeNames) {
        this.rows = rows;
        this.ops = ops;
        this.clients = clients;
        this.rounds = rounds;
        this.modeNames = modeNames;
    }

    void print(PrintWriter out) {
        cells(out);
        out.println();
        if (rounds > 1) {
            out.println("Ratios per round:");
            out.println();
            ratios(out, true);
            out.println();
            out.printf(Locale.ROOT, "Ratios, median (min - max) over %d rounds:%n%n", rounds);
        }
        ratios(out, false);
        out.println();
        concurrency(out);
        out.flush();
    }

    private void cells(PrintWriter out) {
        out.println("| round | op | clients | mode | ops/s | p50 ms | p99 ms | round trips / write | server CPU us / write"
                + " | JVM CPU us / write | JVM KB allocated / write | WAL bytes / write |");
        out.println("|---:|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (WriteBench.Row r : rows) {
            out.printf(Locale.ROOT, "| %d | %s | %d | %s | %.0f | %.2f | %.2f | %.2f | %.0f | %.0f | %.1f | %.0f |%n", r.round(),
                    r.op(), r.clients(), modeNames.get(r.mode()), r.cell().opsPerSecond(), r.cell().p50Millis(),
                    r.cell().p99Millis(), r.roundTrips(), r.cell().serverCpuMicros(), r.cell().jvmCpuMicros(),
                    r.cell().jvmAllocatedBytes() / 1024, r.walBytes());
        }
    }

    private void ratios(PrintWriter out, boolean perRound) {
        StringBuilder heading = new StringBuilder(perRound ? "| round | op | clients |" : "| op | clients |");
        StringBuilder rule = new StringBuilder(perRound ? "|---:|---|---:|" : "|---|---:|");
        for (Ratio ratio : RATIOS) {
            heading.append(' ').append(ratio.heading()).append(" |");
            rule.append("---:|");
        }
        out.println(heading);
        out.println(rule);
        for (String op : ops) {
            for (int n : clients) {
                if (perRound) {
                    for (int round = 1; round <= rounds; round++) {
                        Cells cells = new Cells(rows, round, op, n);
                        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "| %d | %s | %d |", round, op, n));
                        for (Ratio ratio : RATIOS) {
                            line.append(' ').append(summary(List.of(ratio.value().applyAsDouble(cells)))).append(" |");
                        }
                        out.println(line);
                    }
                } else {
                    StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "| %s | %d |", op, n));
                    for (Ratio ratio : RATIOS) {
                        line.append(' ').append(summary(perRoundValues(op, n, ratio.value()))).append(" |");
                    }
                    out.println(line);
                }
            }
        }
    }

    /** (c) at each larger client count against (c) at the smallest, within each round: the concurrency target. */
    private void concurrency(PrintWriter out) {
        int fewest = clients.stream().min(Integer::compare).orElse(1);
        if (clients.size() < 2) {
            return;
        }
        out.printf(Locale.ROOT, "| op | clients | (c) against (c) at %d clients, target >= 0.9 |%n|---|---:|---:|%n", fewest);
        for (String op : ops) {
            for (int n : clients) {
                if (n == fewest) {
                    continue;
                }
                out.printf(Locale.ROOT, "| %s | %d | %s |%n", op, n,
                        summary(perRoundValues(op, n, c -> c.ops("c") / c.ops("c", fewest))));
            }
        }
    }

    private List<Double> perRoundValues(String op, int n, ToDoubleFunction<Cells> value) {
        List<Double> values = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            values.add(value.applyAsDouble(new Cells(rows, round, op, n)));
        }
        return values;
    }

    /** One value as it is; several as "median (min - max)"; NaN (a mode not run) as "-". */
    static String summary(List<Double> values) {
        List<Double> known = values.stream().filter(v -> !v.isNaN()).sorted().toList();
        if (known.isEmpty()) {
            return "-";
        }
        if (known.size() == 1) {
            return String.format(Locale.ROOT, "%.2f", known.get(0));
        }
        int k = known.size();
        double median = k % 2 == 1 ? known.get(k / 2) : (known.get(k / 2 - 1) + known.get(k / 2)) / 2;
        return String.format(Locale.ROOT, "%.2f (%.2f - %.2f)", median, known.get(0), known.get(k - 1));
    }
}

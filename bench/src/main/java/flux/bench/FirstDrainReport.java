package flux.bench;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The first-drain bench's Markdown report: every run, then the range of each figure per JVM, the
 * AOT caches' training, and what the runs had in common.
 */
record FirstDrainReport(int rows, int txSize, String knobs, List<String> javaOptions, List<JvmVariant> variants,
                        Map<String, FreshStart.Training> trained, int trainingRows, List<FreshStart.Run> runs) {

    void print(PrintWriter out) {
        out.println();
        out.printf("## Capture's first drain: a fresh `flux serve` onto a backlog of %,d rows%n%n", rows);
        out.println("Seconds from the process's start (`java -jar flux.jar serve`); caught up: Kafka holds every backlog event.");
        out.println();
        out.println("| run | JVM | up s | first event s | caught up s | events/s from start | events/s from first event"
                + " | process CPU s | JIT threads CPU s | cross-check matched / missing / mismatched | machine busy | load at start |");
        out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---|");
        for (FreshStart.Run r : runs) {
            out.printf("| %d | %s | %.2f | %.2f | %.2f | %,.0f | %,.0f | %.1f | %.1f | %,d / %d / %d%s | %s | %s |%n",
                    r.round(), r.jvm().spec(), r.upSeconds(), r.firstEventSeconds(), r.caughtUpSeconds(),
                    r.eventsPerSecond(), r.eventsPerSecondFromFirstEvent(), r.cpuSeconds(), r.jitCpuSeconds(),
                    r.crossCheck().matched(), r.crossCheck().missing(), r.crossCheck().mismatched(),
                    r.nothingLost() ? "" : " **LOST**", r.machineBusy(), r.load());
        }
        out.println();
        out.println("| JVM | runs | caught up s | events/s from first event | events/s from start | first event s |");
        out.println("|---|---:|---|---|---|---|");
        for (JvmVariant v : variants.stream().distinct().toList()) {
            List<FreshStart.Run> mine = runs.stream().filter(r -> r.jvm().equals(v)).toList();
            out.printf("| %s | %d | %s | %s | %s | %s |%n", v.label(), mine.size(),
                    range(mine, FreshStart.Run::caughtUpSeconds, "%.2f"),
                    range(mine, FreshStart.Run::eventsPerSecondFromFirstEvent, "%,.0f"),
                    range(mine, FreshStart.Run::eventsPerSecond, "%,.0f"),
                    range(mine, FreshStart.Run::firstEventSeconds, "%.2f"));
        }
        printStartPhases(out);
        out.println();
        trained.forEach((spec, t) -> out.printf("AOT cache for %s: trained on a backlog of %,d rows (drained in %.1f s from"
                + " the start), written at the training run's exit in %.1f s, %,.0f MB (%s)%n", spec, trainingRows,
                t.drainSeconds(), t.exitSeconds(), t.megabytes(), t.cache()));
        out.printf("backlog: transactions of %d rows, each row + its mutation record (2 WAL changes per event)%n", txSize);
        boolean ownCollector = javaOptions.stream().anyMatch(o -> o.startsWith("-XX:+Use") && o.endsWith("GC"));
        out.println("capture: " + knobs + "; JVM options " + (ownCollector ? "" : FreshStart.LAUNCHER_COLLECTOR + " (the launcher's) ")
                + String.join(" ", javaOptions));
        out.printf("bench machine: %d cores; load average at the end %s%n", Runtime.getRuntime().availableProcessors(),
                MachineMeters.loadAverage());
        for (FreshStart.Run r : runs) {
            out.printf("run %d, %s: events per second from the start: %s%n", r.round(), r.jvm().spec(), r.perSecond());
        }
        out.flush();
    }

    /**
     * Where each run's start went, from the process's capture status: a phase's end in ms since its JVM
     * started, and in brackets how long it took (phases beside others, such as HTTP and the topics, overlap).
     */
    private void printStartPhases(PrintWriter out) {
        List<String> names = runs.stream().flatMap(r -> r.startPhases().stream()).map(FreshStart.StartPhase::phase)
                .distinct().toList();
        if (names.isEmpty()) {
            return;
        }
        out.println();
        out.println("Start phases: when each ended, ms since the JVM started (how long it took); the first event is the"
                + " one Kafka acknowledged.");
        out.println();
        StringBuilder header = new StringBuilder("| phase |");
        StringBuilder rule = new StringBuilder("|---|");
        for (FreshStart.Run r : runs) {
            header.append(" run ").append(r.round()).append(", ").append(r.jvm().spec()).append(" |");
            rule.append("---:|");
        }
        out.println(header);
        out.println(rule);
        for (String name : names) {
            StringBuilder row = new StringBuilder("| ").append(name).append(" |");
            for (FreshStart.Run r : runs) {
                String cell = r.startPhases().stream().filter(p -> p.phase().equals(name)).findFirst()
                        .map(p -> String.format("%,d (%,d)", p.toMs(), p.toMs() - p.fromMs())).orElse("-");
                row.append(' ').append(cell).append(" |");
            }
            out.println(row);
        }
    }

    private static String range(List<FreshStart.Run> runs, ToDoubleFunction<FreshStart.Run> figure, String format) {
        double min = runs.stream().mapToDouble(figure).min().orElse(Double.NaN);
        double max = runs.stream().mapToDouble(figure).max().orElse(Double.NaN);
        return String.format(format, min) + (runs.size() > 1 ? " - " + String.format(format, max) : "");
    }
}

package flux.bench.crash;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/** The run's figures as markdown, for docs/reliability.md. */
final class CrashReport {
    private CrashReport() {
    }

    static void print(PrintWriter out, CrashRun.Settings s, List<CrashRun.FaultResult> results, String machine) {
        out.printf(Locale.ROOT, "%n%d clients, %d s of writes per fault, seed %d; %s%n%n", s.clients(),
                s.perFault().toSeconds(), s.seed(), machine);
        out.println("| fault (SIGKILL) | processes killed | requests | acknowledged | failed while down | kill to restarted | kill to first 200 after | violations |");
        out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
        for (CrashRun.FaultResult r : results) {
            out.printf(Locale.ROOT, "| %s | %d | %,d | %,d | %,d | %.1f s | %.1f s | %d |%n", r.fault().label,
                    r.processesKilled(), r.requests(), r.acknowledged(), r.failedWhileDown(), r.downSeconds(),
                    r.recoveredSeconds(), r.verdict().violations().values().stream().mapToLong(Long::longValue).sum());
        }
        for (CrashRun.FaultResult r : results) {
            out.printf("%nAfter the %s came back (every request so far):%n%s", r.fault().label, r.verdict());
        }
        out.flush();
    }
}

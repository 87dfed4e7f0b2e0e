package flux.bench;

import static org.assertj.core.api.Assertions.assertThat;

import flux.bench.crash.CrashBench;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load run, bounded for CI: 64 keep-alive clients for 5 s against {@code flux serve} on the
 * embedded default, reads and writes mixed. Asserts the answers (every one 200, no 5xx), not the
 * timing; the 256-client, 60 s run is {@code ./flux-bench load} (BENCHMARKS.md).
 */
class LoadIT {
    @TempDir
    Path dir;

    @Test
    void sixtyFourKeepAliveClientsGetNo5xx() throws Exception {
        LoadRun.Result r = LoadRun.run(new LoadRun.Settings(CrashBench.defaultJar(), dir, 64, 1, 5, 50, 2_000));
        StringWriter report = new StringWriter();
        LoadBench.print(new PrintWriter(report), r, 64, 5, 50);
        System.out.println(report);

        assertThat(r.cell().operations()).as(report.toString()).isPositive();
        assertThat(r.reads()).isPositive();
        assertThat(r.inserts()).isPositive();
        assertThat(r.updates()).isPositive();
        assertThat(r.fiveXx()).as(report.toString()).isZero();
        assertThat(r.statuses().keySet()).as("every answer 200: " + report).containsOnly(200);
    }
}

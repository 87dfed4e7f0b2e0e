package flux.bench.crash;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crash-consistency run, bounded for CI: 8 clients, a few seconds of writes around each kill
 * (the long run is {@code ./flux-bench reliability}; docs/reliability.md). The packaged jar runs as
 * its own process against a PostgreSQL and a Kafka this test starts, so each can be killed alone.
 */
class CrashConsistencyIT {
    @TempDir
    Path dir;

    @Test
    void everyWriteIsWhollyThereOrWhollyAbsentAfterTheServerPostgresAndKafkaAreKilled() throws Exception {
        CrashRun.Settings settings = new CrashRun.Settings(CrashBench.defaultJar(), dir, 8, Duration.ofSeconds(6),
                List.of(CrashRun.Fault.FLUX, CrashRun.Fault.POSTGRES, CrashRun.Fault.KAFKA), 19, 2_000, Duration.ofSeconds(60));
        StringWriter progress = new StringWriter();
        List<CrashRun.FaultResult> results = new CrashRun(settings, new PrintWriter(progress, true)).run();
        StringWriter report = new StringWriter();
        CrashReport.print(new PrintWriter(report), settings, results, "CI");
        System.out.println(progress + report.toString());

        assertThat(results).hasSize(3).allSatisfy(r -> {
            assertThat(r.processesKilled()).as(r.fault().label + " killed").isPositive();
            assertThat(r.acknowledged()).as(r.fault().label + ": writes acknowledged").isPositive();
            assertThat(r.verdict().passed()).as(report.toString()).isTrue();
        });
        // The kills had an effect on the clients: while the server or its database was down, writes failed.
        assertThat(results.get(0).failedWhileDown()).as("writes failed while flux serve was down").isPositive();
        assertThat(results.get(1).failedWhileDown()).as("writes failed while PostgreSQL was down").isPositive();
        assertThat(results.get(1).processesKilled()).as("the postmaster and its backends").isGreaterThan(1);
    }
}

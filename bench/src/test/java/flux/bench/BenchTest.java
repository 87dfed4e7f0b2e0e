package flux.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BenchTest {

    @Test
    void theFourBenchesAreItsCommands() {
        assertThat(new CommandLine(new Bench()).getSubcommands().keySet())
                .contains("write", "history", "capture", "observe");
    }

    @Test
    void anOptionOutOfRangeIsAUsageErrorBeforeAnyServiceStarts() {
        assertThat(Bench.run("write", "--seconds", "0")).isEqualTo(2);
        assertThat(Bench.run("write", "--rounds", "0")).isEqualTo(2);
        assertThat(Bench.run("write", "--pool", "0")).isEqualTo(2);
        assertThat(Bench.run("history", "--small", "1")).isEqualTo(2);
        assertThat(Bench.run("capture", "--rows", "0")).isEqualTo(2);
        assertThat(Bench.run("capture", "--max-batch-size", "4096", "--max-queue-size", "4096")).isEqualTo(2);
        assertThat(Bench.run("capture", "first-drain", "--runs", "0")).isEqualTo(2);
        assertThat(Bench.run("capture", "first-drain", "--sends-in-flight", "-1")).isEqualTo(2);
        assertThat(Bench.run("capture", "first-drain", "--jvm", "/nonexistent/jdk")).isEqualTo(2);
        assertThat(Bench.run("observe", "--threads", "0")).isEqualTo(2);
        assertThat(Bench.run("frobnicate")).isEqualTo(2);
    }
}

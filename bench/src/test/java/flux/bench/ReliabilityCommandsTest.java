package flux.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The long runs of issue 19 are flux-bench commands, and a bad option is a usage error before anything starts. */
class ReliabilityCommandsTest {

    @Test
    void loadAndReliabilityAreCommands() {
        assertThat(new CommandLine(new Bench()).getSubcommands().keySet()).contains("load", "reliability");
    }

    @Test
    void anOptionOutOfRangeIsAUsageErrorBeforeAnyServiceStarts() {
        assertThat(Bench.run("load", "--clients", "0")).isEqualTo(2);
        assertThat(Bench.run("load", "--reads", "101")).isEqualTo(2);
        assertThat(Bench.run("reliability", "--faults", "flux,disk")).isEqualTo(2);
        assertThat(Bench.run("reliability", "--seconds", "1")).isEqualTo(2);
        assertThat(Bench.run("reliability", "--jar", "/nonexistent/flux.jar")).isEqualTo(2);
    }
}

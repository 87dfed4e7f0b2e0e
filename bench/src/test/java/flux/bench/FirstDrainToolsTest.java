package flux.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The first-drain bench's JVM choice and its reading of another process's CPU (no services needed). */
class FirstDrainToolsTest {
    @Test
    void currentIsThisJvmAndAnAotCacheNeedsJdk25() {
        JvmVariant current = JvmVariant.parse("current");
        assertThat(current.home()).isEqualTo(Path.of(System.getProperty("java.home")));
        assertThat(current.feature()).isEqualTo(Runtime.version().feature());
        assertThat(current.aot()).isFalse();
        assertThat(current.label()).contains("JDK " + current.version()).endsWith(", no AOT cache");
        if (current.feature() < JvmVariant.AOT_FROM) {
            assertThatThrownBy(() -> JvmVariant.parse("current+aot")).isInstanceOf(BenchFailure.class)
                    .hasMessageContaining("needs JDK 25 or later");
        } else {
            assertThat(JvmVariant.parse("current+aot").aot()).isTrue();
        }
        assertThatThrownBy(() -> JvmVariant.parse("/nonexistent/jdk")).isInstanceOf(BenchFailure.class)
                .hasMessageContaining("is not a Java home");
    }

    @Test
    void readsAProcessCpuAndItsJitThreadsFromProc() {
        long self = ProcessHandle.current().pid();
        double cpu = ProcessMeters.cpuSeconds(self);
        double jit = ProcessMeters.jitSeconds(self);
        assertThat(cpu).isPositive();
        assertThat(jit).isPositive().isLessThanOrEqualTo(cpu);
    }
}

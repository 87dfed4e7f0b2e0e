package flux.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CpuMeterTest {
    @Test
    void aThreadThatEndsDuringACellTakesOnlyItsOwnBytesOutOfTheCellsAllocation() {
        CpuMeter.Sample before = new CpuMeter.Sample(1_000, 2_000, Map.of(1L, 100L, 2L, 5_000L));
        CpuMeter.Sample after = new CpuMeter.Sample(1_500, 2_300, Map.of(1L, 300L, 3L, 50L));

        CpuMeter.Sample cell = after.minus(before);

        assertThat(cell.jvmAllocatedBytes()).as("thread 1 grew by 200, thread 3 was born with 50, thread 2 ended")
                .isEqualTo(250);
        assertThat(cell.serverMicros()).isEqualTo(500);
        assertThat(cell.jvmMicros()).isEqualTo(300);
    }
}

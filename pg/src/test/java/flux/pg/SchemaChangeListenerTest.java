package flux.pg;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SchemaChangeListenerTest {
    @Test
    void aProbesTypicalCostIsTheLeastOfTheLastFewSoAColdFirstProbeDoesNotStretchThePause() {
        long[] costs = new long[8];
        assertThat(SchemaChangeListener.typicalCost(costs, 0)).isZero();
        costs[0] = 150_000_000; // the first probe on a connection
        assertThat(SchemaChangeListener.typicalCost(costs, 1)).isEqualTo(150_000_000);
        costs[1] = 2_000_000;
        costs[2] = 70_000_000; // one that recorded changes
        assertThat(SchemaChangeListener.typicalCost(costs, 3)).isEqualTo(2_000_000);
    }
}

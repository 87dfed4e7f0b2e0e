package flux.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class LastEventSummaryTest {

    /** Stands in for a Debezium whose internals moved: a task without the expected fields. */
    static final class OtherEngine {
        final List<Object> tasks = List.of(new Object());
    }

    @Test
    void engineOfAnotherShapeIsLeftAloneAndReported() {
        assertThat(LastEventSummary.install(new OtherEngine())).isFalse();
        assertThat(LastEventSummary.install(new Object())).isFalse();
        assertThat(LastEventSummary.install(null)).isFalse();
    }
}

package flux.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StoredValuesTest {

    @Test
    void statusesAndSourcesReadBackAsTheyAreStored() {
        for (Status s : Status.values()) {
            assertThat(Status.of(s.stored())).isSameAs(s);
        }
        for (Source s : Source.values()) {
            assertThat(Source.of(s.stored())).isSameAs(s);
        }
        assertThat(Status.ROLLED_BACK.stored()).isEqualTo("rolled_back");
        assertThat(Source.SNAPSHOT.stored()).isEqualTo("snapshot");
    }

    @Test
    void aValueTheLogDoesNotAllowIsRefused() {
        assertThatThrownBy(() -> Source.of("cron")).hasMessageContaining("\"cron\"");
        assertThatThrownBy(() -> Status.of("pending")).hasMessageContaining("\"pending\"");
    }
}

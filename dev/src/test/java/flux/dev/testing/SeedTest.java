package flux.dev.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SeedTest {

    @Test
    void theSameSeedGivesTheSameNumbersAndEachStreamItsOwn() {
        assertThat(new Seed(42).random().nextLong()).isEqualTo(new Seed(42).random().nextLong());
        assertThat(new Seed(42).random(1).nextLong()).isEqualTo(new Seed(42).random(1).nextLong())
                .isNotEqualTo(new Seed(42).random(2).nextLong())
                .isNotEqualTo(new Seed(43).random(1).nextLong());
    }
}

package flux.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;

class HttpDateTest {
    @Test
    void isAnImfFixdate() {
        assertThat(HttpDate.at(0)).isEqualTo("Thu, 01 Jan 1970 00:00:00 GMT");
        assertThat(HttpDate.at(1_700_000_000)).isEqualTo("Tue, 14 Nov 2023 22:13:20 GMT");
        // what any HTTP date parser reads back is the same instant
        assertThat(ZonedDateTime.parse(HttpDate.at(1_700_000_000), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant())
                .isEqualTo(Instant.ofEpochSecond(1_700_000_000));
    }

    @Test
    void isFormattedOncePerSecond() {
        String first = HttpDate.at(1_800_000_000);
        assertThat(HttpDate.at(1_800_000_000)).isSameAs(first);
        assertThat(HttpDate.at(1_800_000_001)).isNotEqualTo(first).endsWith(":01 GMT");
    }
}

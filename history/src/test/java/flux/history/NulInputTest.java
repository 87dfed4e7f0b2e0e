package flux.history;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * A NUL in a table name, row id or request id is malformed input, refused before any SQL: binding
 * it made PostgreSQL fail the statement (22021), which the server answered with a 500 (found by
 * HostileInputFuzzIT: {@code GET /v1/state/%00/1/history}). No database here: the refusal must come first.
 */
class NulInputTest {
    private final History history = new History(null);

    @Test
    void aNulInATableNameIsAnInvalidArgument() {
        assertThatThrownBy(() -> history.history("us\0ers", "1", PageRequest.newestFirst(10)))
                .isInstanceOf(HistoryException.InvalidArgument.class).hasMessageContaining("table name contains a NUL");
        assertThatThrownBy(() -> history.blame("\0", "1")).isInstanceOf(HistoryException.InvalidArgument.class);
        assertThatThrownBy(() -> history.at("public.\0", "1", Instant.EPOCH)).isInstanceOf(HistoryException.InvalidArgument.class);
    }

    @Test
    void aNulInARowIdIsAnInvalidArgument() {
        assertThatThrownBy(() -> history.history("users", "4\0" + "2", PageRequest.newestFirst(10)))
                .isInstanceOf(HistoryException.InvalidArgument.class).hasMessageContaining("row id contains a NUL");
        assertThatThrownBy(() -> history.blame("users", "\0")).isInstanceOf(HistoryException.InvalidArgument.class);
        assertThatThrownBy(() -> history.at("users", "\0", Instant.EPOCH)).isInstanceOf(HistoryException.InvalidArgument.class);
    }

    @Test
    void aNulInARequestIdIsAnInvalidArgument() {
        assertThatThrownBy(() -> history.request("req\0", 10, null))
                .isInstanceOf(HistoryException.InvalidArgument.class).hasMessageContaining("request id contains a NUL");
    }
}

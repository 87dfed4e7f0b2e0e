package flux.capture.pg;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ResumeSearchTest {
    private static final String STORED = "{\"lsn_proc\":1000,\"messageType\":\"COMMIT\",\"lsn_commit\":1200,\"lsn\":1000,"
            + "\"txId\":770,\"ts_usec\":1796599201123000,\"flux_streamed_up_to\":42}";

    @Test
    void anOffsetTheSlotConfirmedIsHandedOverWithoutItsProcessedPositionSoDebeziumDoesNotSearch() {
        assertThat(text(ResumeSearch.withoutSearch(bytes(STORED), 1200)))
                .isEqualTo("{\"messageType\":\"COMMIT\",\"lsn_commit\":1200,\"lsn\":1000,\"txId\":770,"
                        + "\"ts_usec\":1796599201123000,\"flux_streamed_up_to\":42}");
        assertThat(text(ResumeSearch.withoutSearch(bytes(STORED), 5000))).as("the slot ahead of the offset")
                .doesNotContain("lsn_proc");
    }

    @Test
    void anOffsetAheadOfTheSlotWithinATransactionKeepsTheSearch() {
        byte[] stored = bytes(STORED);
        assertThat(ResumeSearch.withoutSearch(stored, 1199)).isSameAs(stored);
        byte[] eventAhead = bytes("{\"lsn_proc\":900,\"lsn\":1300,\"lsn_commit\":1200}");
        assertThat(ResumeSearch.withoutSearch(eventAhead, 1200)).isSameAs(eventAhead);
    }

    /**
     * Capture's offsets sit at a commit, whose end is where the next transaction's first change may
     * start: Debezium's search took that change for processed. Such an offset never searches.
     */
    @Test
    void anOffsetAtACommitIsHandedOverWithoutItsProcessedPositionEvenAheadOfTheSlot() {
        byte[] atCommit = bytes("{\"transaction_id\":772,\"lsn_proc\":38821008,\"messageType\":\"COMMIT\","
                + "\"lsn_commit\":38821008,\"lsn\":38821008,\"txId\":772,\"flux_streamed_up_to\":42}");
        assertThat(text(ResumeSearch.withoutSearch(atCommit, 38820000))).isEqualTo("{\"transaction_id\":772,"
                + "\"messageType\":\"COMMIT\",\"lsn_commit\":38821008,\"lsn\":38821008,\"txId\":772,\"flux_streamed_up_to\":42}");
    }

    @Test
    void offsetsWithoutAProcessedPositionOrNotJsonAreLeftAlone() {
        byte[] none = bytes("{\"lsn\":1000,\"lsn_commit\":1000}");
        assertThat(ResumeSearch.withoutSearch(none, 2000)).isSameAs(none);
        byte[] other = bytes("not json");
        assertThat(ResumeSearch.withoutSearch(other, 2000)).isSameAs(other);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}

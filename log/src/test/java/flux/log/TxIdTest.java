package flux.log;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TxIdTest {

    @Test
    void anIdAboveTheSignedRangeKeepsItsDecimalText() {
        String text = "18446744073709551000";
        assertThat(TxId.parse(text).toString()).isEqualTo(text);
        assertThat(TxId.parse(text).value()).isNegative();
    }

    @Test
    void nullTextIsNoId() {
        assertThat(TxId.parse(null)).isNull();
    }
}

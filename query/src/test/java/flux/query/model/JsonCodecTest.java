package flux.query.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class JsonCodecTest {
    @Test
    void decimalsAreWrittenPlainWhileJacksonCanAndExactBeyond() {
        assertThat(JsonCodec.write(JsonCodec.parse("{\"x\": 1.50, \"y\": 1e3}"))).isEqualTo("{\"x\":1.50,\"y\":1000}");
        // A scale past Jackson's plain-writing limit (9999) is still a valid request value (PostgreSQL's
        // numeric takes scales to 16383): written in exponent form, never refused as unrenderable.
        String tiny = JsonCodec.write(JsonCodec.parse("{\"x\": 1e-10000, \"y\": -2.5e+12000}"));
        assertThat(tiny).isEqualTo("{\"x\":1E-10000,\"y\":-2.5E+12000}");
        assertThat(new BigDecimal(JsonCodec.parse(tiny).get("x").decimalValue().toString()))
                .isEqualByComparingTo(new BigDecimal("1E-10000"));
    }
}

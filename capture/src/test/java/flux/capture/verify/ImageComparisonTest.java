package flux.capture.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class ImageComparisonTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void numbersCompareByValue() throws Exception {
        assertThat(ImageComparison.differingColumns(json("{\"b\": 1.50}"), obj("{\"b\": 1.5}"))).isEmpty();
        assertThat(ImageComparison.differingColumns(json("{\"b\": 1.50}"), obj("{\"b\": 1.51}"))).containsExactly("b");
    }

    @Test
    void timestampsWithZoneCompareAsInstants() throws Exception {
        assertThat(ImageComparison.differingColumns(json("{\"t\": \"2026-03-10T14:22:01.5+02:00\"}"),
                obj("{\"t\": \"2026-03-10T12:22:01.500000Z\"}"))).isEmpty();
    }

    @Test
    void utcTimestampsCompareWithoutParsingAndStillTellDifferentInstants() throws Exception {
        assertThat(ImageComparison.differingColumns(json("{\"t\": \"2026-03-10T12:22:01.5+00:00\"}"),
                obj("{\"t\": \"2026-03-10T12:22:01.5Z\"}"))).isEmpty();
        assertThat(ImageComparison.differingColumns(json("{\"t\": \"2026-03-10T12:22:01.5+00\"}"),
                obj("{\"t\": \"2026-03-10T12:22:01.5Z\"}"))).isEmpty();
        assertThat(ImageComparison.differingColumns(json("{\"t\": \"2026-03-10T12:22:01.5+00:00\"}"),
                obj("{\"t\": \"2026-03-10T12:22:01.6Z\"}"))).containsExactly("t");
        assertThat(ImageComparison.differingColumns(json("{\"t\": \"2026-03-10T12:22:01.5+00:00\"}"),
                obj("{\"t\": \"2026-03-10T12:22:01.500Z\"}"))).isEmpty();
    }

    @Test
    void unavailableToastedValuesAreNotCompared() throws Exception {
        assertThat(ImageComparison.differingColumns(json("{\"doc\": \"long text\"}"),
                obj("{\"doc\": \"__debezium_unavailable_value\"}"))).isEmpty();
    }

    @Test
    void nestedJsonComparesStructurally() throws Exception {
        assertThat(ImageComparison.differingColumns(json("{\"j\": {\"a\": [1, 2.0]}}"), obj("{\"j\": {\"a\": [1, 2]}}")))
                .isEmpty();
        assertThat(ImageComparison.differingColumns(json("{\"j\": {\"a\": [1]}}"), obj("{\"j\": {\"a\": [2]}}")))
                .containsExactly("j");
    }

    @Test
    void columnsOnlyOneSideKnowsAreSkipped() throws Exception {
        assertThat(ImageComparison.differingColumns(json("{\"a\": 1}"), obj("{\"a\": 1, \"geo\": \"x\"}"))).isEmpty();
    }

    private static JsonNode json(String s) throws Exception {
        return JSON.readTree(s);
    }

    private static ObjectNode obj(String s) throws Exception {
        return (ObjectNode) JSON.readTree(s);
    }
}

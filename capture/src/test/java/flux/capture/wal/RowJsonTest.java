package flux.capture.wal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

class RowJsonTest {

    @Test
    void rendersValuesLikeToJsonb() {
        Schema amount = SchemaBuilder.string().optional().parameters(Map.of("__debezium.source.column.type", "NUMERIC")).build();
        Schema schema = SchemaBuilder.struct()
                .field("id", Schema.INT64_SCHEMA)
                .field("amount", amount)
                .field("note", Schema.OPTIONAL_STRING_SCHEMA)
                .field("day", SchemaBuilder.int32().name("io.debezium.time.Date").build())
                .field("at", SchemaBuilder.int64().name("io.debezium.time.MicroTimestamp").build())
                .field("doc", SchemaBuilder.string().name("io.debezium.data.Json").optional().build())
                .field("raw", Schema.OPTIONAL_BYTES_SCHEMA)
                .build();
        Struct row = new Struct(schema)
                .put("id", 42L)
                .put("amount", "12.50")
                .put("note", "12.50")
                .put("day", 20_522)
                .put("at", 1_773_144_121_500_000L)
                .put("doc", "{\"a\": [1, true]}")
                .put("raw", ByteBuffer.wrap(new byte[] {1, (byte) 0xab}));
        ObjectNode json = RowJson.toTree(row);
        assertThat(json.toString()).isEqualTo("{\"id\":42,\"amount\":12.50,\"note\":\"12.50\",\"day\":\"2026-03-10\","
                + "\"at\":\"2026-03-10T12:02:01.5\",\"doc\":{\"a\":[1,true]},\"raw\":\"\\\\x01ab\"}");
    }

    @Test
    void numericsKeepEveryDigitAndNaNAndInfinitiesAreStringsAsInToJsonb() throws Exception {
        Schema wide = SchemaBuilder.string().optional().parameters(Map.of("__debezium.source.column.type", "NUMERIC")).build();
        Schema wides = SchemaBuilder.array(Schema.OPTIONAL_STRING_SCHEMA).optional()
                .parameters(Map.of("__debezium.source.column.type", "_NUMERIC")).build();
        Schema schema = SchemaBuilder.struct().field("a", wide).field("b", wide).field("c", wide).field("d", wide)
                .field("list", wides)
                .field("doc", SchemaBuilder.string().name("io.debezium.data.Json").optional().build()).build();
        Struct row = new Struct(schema).put("a", "12345678901234567890.123456789").put("b", "NAN")
                .put("c", "POSITIVE_INFINITY").put("d", "NEGATIVE_INFINITY")
                .put("list", java.util.Arrays.asList("0.000000000001", null, "NAN"))
                .put("doc", "{\"n\": 12345678901234567890.123456789, \"m\": 99999999999999999999999}");
        assertThat(RowJson.JSON.writer().with(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
                .writeValueAsString(RowJson.toTree(row))).isEqualTo("{\"a\":12345678901234567890.123456789,\"b\":\"NaN\","
                + "\"c\":\"Infinity\",\"d\":\"-Infinity\",\"list\":[0.000000000001,null,\"NaN\"],"
                + "\"doc\":{\"n\":12345678901234567890.123456789,\"m\":99999999999999999999999}}");
    }

    @Test
    void intervalsAreWrittenAsPostgresqlWritesThem() {
        assertThat(IntervalText.fromIso("P0Y0M1DT2H0M0S")).isEqualTo("1 day 02:00:00");
        assertThat(IntervalText.fromIso("P0Y3M0DT0H0M0S")).isEqualTo("3 mons");
        assertThat(IntervalText.fromIso("P1Y2M3DT4H5M6.5S")).isEqualTo("1 year 2 mons 3 days 04:05:06.5");
        assertThat(IntervalText.fromIso("P0Y0M0DT0H0M0S")).isEqualTo("00:00:00");
        assertThat(IntervalText.fromIso("P0Y0M-1DT2H30M0S")).isEqualTo("-1 days +02:30:00");
        assertThat(IntervalText.fromIso("P0Y0M1DT-2H-30M-0.000001S")).isEqualTo("1 day -02:30:00.000001");
        assertThat(IntervalText.fromIso("P-2Y0M0DT0H0M0S")).isEqualTo("-2 years");
        assertThat(IntervalText.fromIso("P0Y0M0DT100H0M59.999999S")).isEqualTo("100:00:59.999999");
    }

    @Test
    void unavailableToastedValueIsTakenFromTheBeforeImage() {
        Schema schema = SchemaBuilder.struct().field("doc", Schema.OPTIONAL_STRING_SCHEMA).build();
        ObjectNode before = RowJson.toTree(new Struct(schema).put("doc", "long text"));
        ObjectNode after = RowJson.toTree(new Struct(schema).put("doc", RowJson.UNAVAILABLE), before);
        assertThat(after.get("doc").asText()).isEqualTo("long text");
    }

    @Test
    void rowIdsFollowTheContract() {
        Schema single = SchemaBuilder.struct().field("id", Schema.INT64_SCHEMA).build();
        assertThat(RowIds.of(RowJson.toTree(new Struct(single).put("id", 42L)))).isEqualTo("42");
        Schema composite = SchemaBuilder.struct().field("tenant", Schema.STRING_SCHEMA).field("id", Schema.INT32_SCHEMA).build();
        assertThat(RowIds.of(RowJson.toTree(new Struct(composite).put("tenant", "acme").put("id", 42))))
                .isEqualTo("[\"acme\",\"42\"]");
    }
}

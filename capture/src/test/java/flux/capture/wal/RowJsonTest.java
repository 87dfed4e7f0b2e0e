package flux.capture.wal;

import static org.assertj.core.api.Assertions.assertThat;

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

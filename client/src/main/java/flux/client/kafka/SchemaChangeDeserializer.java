package flux.client.kafka;

import flux.client.FluxSchemaChange;
import flux.client.FluxMessages;
import java.util.function.Function;

/** {@code value.deserializer} for {@link FluxSchemaChange} messages; fails on a topic of another kind. */
public final class SchemaChangeDeserializer extends FluxDeserializer<FluxSchemaChange> {
    @Override
    FluxSchemaChange read(String topic, byte[] value, Function<String, String> headers) {
        return expect(FluxSchemaChange.class, FluxMessages.read(topic, null, value, headers), topic);
    }
}

package flux.client.kafka;

import flux.client.FluxChange;
import flux.client.FluxMessages;
import java.util.function.Function;

/** {@code value.deserializer} for {@link FluxChange} messages; fails on a topic of another kind. */
public final class ChangeDeserializer extends FluxDeserializer<FluxChange> {
    @Override
    FluxChange read(String topic, byte[] value, Function<String, String> headers) {
        return expect(FluxChange.class, FluxMessages.read(topic, null, value, headers), topic);
    }
}

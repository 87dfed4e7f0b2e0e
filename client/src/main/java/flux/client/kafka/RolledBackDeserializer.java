package flux.client.kafka;

import flux.client.FluxRolledBack;
import flux.client.FluxMessages;
import java.util.function.Function;

/** {@code value.deserializer} for {@link FluxRolledBack} messages; fails on a topic of another kind. */
public final class RolledBackDeserializer extends FluxDeserializer<FluxRolledBack> {
    @Override
    FluxRolledBack read(String topic, byte[] value, Function<String, String> headers) {
        return expect(FluxRolledBack.class, FluxMessages.read(topic, null, value, headers), topic);
    }
}

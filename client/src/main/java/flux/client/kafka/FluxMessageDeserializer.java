package flux.client.kafka;

import flux.client.FluxMessage;
import flux.client.FluxMessages;
import java.util.function.Function;

/**
 * {@code value.deserializer} for a consumer of several of Flux's topics: picks the kind by topic
 * ({@code flux.rolled_back}, {@code flux.transactions}, {@code flux.schema_changes}, else a table
 * topic), so one {@code switch} over the sealed {@link FluxMessage} handles them all.
 */
public final class FluxMessageDeserializer extends FluxDeserializer<FluxMessage> {
    @Override
    FluxMessage read(String topic, byte[] value, Function<String, String> headers) {
        return FluxMessages.read(topic, null, value, headers);
    }
}

package flux.client.kafka;

import flux.client.FluxTransaction;
import flux.client.FluxMessages;
import java.util.function.Function;

/** {@code value.deserializer} for {@link FluxTransaction} messages; fails on a topic of another kind. */
public final class TransactionDeserializer extends FluxDeserializer<FluxTransaction> {
    @Override
    FluxTransaction read(String topic, byte[] value, Function<String, String> headers) {
        return expect(FluxTransaction.class, FluxMessages.read(topic, null, value, headers), topic);
    }
}

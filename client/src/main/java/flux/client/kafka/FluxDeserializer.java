package flux.client.kafka;

import flux.client.FluxMessage;
import flux.client.FluxMessageException;
import flux.client.FluxMessages;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Base of Flux's value deserializers: reads the value with {@link FluxMessages}, with the record's
 * headers. The key is not given to a value deserializer, so {@link flux.client.FluxChange#key()} is
 * null when read through one; {@link FluxRecords#change} reads the key too. A message of another
 * kind than the subclass reads is a {@link FluxMessageException} (Kafka reports it as a
 * {@code RecordDeserializationException} from {@code poll}). Stateless and thread-safe.
 */
abstract class FluxDeserializer<T extends FluxMessage> implements Deserializer<T> {

    @Override
    public final T deserialize(String topic, byte[] data) {
        return deserialize(topic, null, data);
    }

    @Override
    public final T deserialize(String topic, Headers headers, byte[] data) {
        return read(topic, data, lookup(headers));
    }

    abstract T read(String topic, byte[] value, Function<String, String> headers);

    static Function<String, String> lookup(Headers headers) {
        return name -> {
            if (headers == null) {
                return null;
            }
            Header h = headers.lastHeader(name);
            return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
        };
    }

    static <K extends FluxMessage> K expect(Class<K> kind, FluxMessage m, String topic) {
        if (!kind.isInstance(m)) {
            throw new FluxMessageException("topic " + topic + " carries " + m.getClass().getSimpleName()
                    + " messages, not " + kind.getSimpleName());
        }
        return kind.cast(m);
    }
}

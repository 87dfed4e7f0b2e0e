package flux.client.kafka;

import flux.client.FluxChange;
import flux.client.FluxMessage;
import flux.client.FluxMessages;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * For consumers that read raw bytes ({@code ByteArrayDeserializer} for key and value): a whole
 * record, key included, as a message.
 */
public final class FluxRecords {
    private FluxRecords() {
    }

    public static FluxMessage message(ConsumerRecord<byte[], byte[]> record) {
        return FluxMessages.read(record.topic(), record.key(), record.value(), FluxDeserializer.lookup(record.headers()));
    }

    /** A table topic's record, with its key. */
    public static FluxChange change(ConsumerRecord<byte[], byte[]> record) {
        return FluxMessages.change(record.key(), record.value(), FluxDeserializer.lookup(record.headers()));
    }
}

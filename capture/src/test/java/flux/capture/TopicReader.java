package flux.capture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A real KafkaConsumer on some topics from their beginning; collects messages as they come. In
 * capture's test jar, for app's end-to-end tests.
 */
public final class TopicReader implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<Message> messages = new ArrayList<>();
    /** topic:partition:offset of each message read: a rebalance may hand over a partition again. */
    private final Set<String> read = new HashSet<>();

    public record Message(String topic, int partition, JsonNode key, JsonNode value, String requestIdHeader,
                   String tenantIdHeader, Map<String, String> headers) {
    }

    public TopicReader(String bootstrap, String... topics) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 500); // see topics created after subscribing
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        consumer = new KafkaConsumer<>(p);
        consumer.subscribe(List.of(topics));
    }

    /** Polls once (up to 200 ms) and returns everything read so far. */
    public List<Message> poll() {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
            // Nothing is committed: when a topic subscribed to appears, the group rebalances and the
            // partitions already read start again from the earliest offset. Each message counts once.
            if (!read.add(r.topic() + ":" + r.partition() + ":" + r.offset())) {
                continue;
            }
            Header h = r.headers().lastHeader("flux-request-id");
            Header t = r.headers().lastHeader("flux-tenant-id");
            Map<String, String> headers = new HashMap<>();
            r.headers().forEach(each -> headers.put(each.key(), new String(each.value(), StandardCharsets.UTF_8)));
            messages.add(new Message(r.topic(), r.partition(), parse(r.key()), parse(r.value()),
                    h == null ? null : new String(h.value(), StandardCharsets.UTF_8),
                    t == null ? null : new String(t.value(), StandardCharsets.UTF_8), headers));
        }
        return messages;
    }

    public List<Message> messages() {
        return messages;
    }

    private static JsonNode parse(byte[] bytes) {
        try {
            return bytes == null ? null : JSON.readTree(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        consumer.close();
    }
}

package flux.dev.testing;

/** The shared test Kafka broker. */
public record TestKafka(String bootstrapServers) {
}

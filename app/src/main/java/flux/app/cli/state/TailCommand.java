package flux.app.cli.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import flux.app.cli.CliFailure;
import flux.app.cli.ExitCodes;
import flux.client.FluxChange;
import flux.client.FluxMessageException;
import flux.client.Topics;
import flux.client.kafka.FluxRecords;
import flux.dev.FluxHome;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code flux tail users}: follows the table's topic and prints each change as a history line
 * (coloured on a terminal), and the table's schema changes from {@code flux.schema_changes} as
 * lines of their own; {@code --json} prints the messages' values, one per line. Reads Kafka
 * directly, with a consumer group of its own that commits nothing, so it never moves another
 * consumer's offsets. Runs until interrupted, or until {@code --count} items were printed.
 */
@Command(name = "tail", mixinStandardHelpOptions = true,
        description = {"Follow a table's changes in Kafka: each as a history line, and the table's schema changes.",
                "Kafka: --bootstrap-servers (env KAFKA_BOOTSTRAP_SERVERS), else the embedded one of the running `flux serve`."})
public final class TailCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TABLE", description = "users (schema public) or schema.table")
    String table;

    @Option(names = "--request", paramLabel = "ID", description = "only the changes of this request (a whole id or its start)")
    String request;

    @Option(names = "--from", paramLabel = "beginning|now", defaultValue = "now",
            description = "start at the topic's beginning or with the next change (default ${DEFAULT-VALUE})")
    String from;

    @Option(names = "--count", paramLabel = "N", description = "exit after printing N changes and schema changes")
    Integer count;

    @Option(names = "--json", description = "print each message's value as one JSON line")
    boolean json;

    @Option(names = "--bootstrap-servers", paramLabel = "HOSTS",
            description = "Kafka to read (env KAFKA_BOOTSTRAP_SERVERS; default: the embedded Kafka of the `flux serve` on --data-dir)")
    String bootstrapServers;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = ".flux",
            description = "Data directory of a running `flux serve` (env FLUX_HOME, default ${DEFAULT-VALUE}).")
    Path dataDir;

    @Override
    public Integer call() {
        if (!from.equals("beginning") && !from.equals("now")) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--from must be beginning or now, not '" + from + "'");
        }
        if (count != null && count < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--count must be at least 1");
        }
        String topic = Topics.forTable(table);
        String schema = topic.substring("flux.".length(), topic.lastIndexOf('.'));
        String name = topic.substring(topic.lastIndexOf('.') + 1);
        HistoryText text = new HistoryText(ZoneId.systemDefault(), json ? Palette.PLAIN : Palette.detect());
        PrintWriter out = spec.commandLine().getOut();
        int printed = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap())) {
            consumer.subscribe(List.of(topic, Topics.SCHEMA_CHANGES));
            while (count == null || printed < count) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    String line = r.topic().equals(topic) ? change(r, text) : schemaChange(r, schema, name, text);
                    if (line != null && (count == null || printed < count)) {
                        out.println(line);
                        printed++;
                    }
                }
                out.flush();
            }
        } catch (KafkaException e) {
            throw new CliFailure("cannot read Kafka at " + bootstrap() + ": " + e.getMessage(), e);
        }
        return ExitCodes.OK;
    }

    private String change(ConsumerRecord<byte[], byte[]> r, HistoryText text) {
        FluxChange c;
        try {
            c = FluxRecords.change(r);
        } catch (FluxMessageException e) {
            return "(not a Flux change at offset " + r.offset() + ": " + e.getMessage() + ")";
        }
        if (request != null && (c.requestId() == null || !c.requestId().startsWith(request))) {
            return null;
        }
        if (json) {
            return new String(r.value(), StandardCharsets.UTF_8);
        }
        Set<String> keyColumns = new HashSet<>();
        if (c.key() != null) {
            c.key().fieldNames().forEachRemaining(keyColumns::add);
        }
        // Whole request ids: without the server's log, no prefix is known to be unique (generated ids
        // share their first 8 characters for a minute), and the whole id is what `flux state request` takes.
        HistoryText whole = c.requestId() == null ? text : text.withShortForms(Map.of(c.requestId(), c.requestId()));
        return whole.entries(List.of(entry(c)), keyColumns, true).get(0);
    }

    /** A change in the shape of a history entry (docs/history.md), which HistoryText prints. */
    private static JsonNode entry(FluxChange c) {
        ObjectNode e = JSON.createObjectNode();
        e.put("at", Instant.ofEpochMilli(c.tsMs()).toString());
        e.put("table", c.schema().equals("public") ? c.table() : c.schema() + "." + c.table());
        e.put("row_id", c.rowId());
        if (c.oldRowId() != null) {
            e.put("old_row_id", c.oldRowId());
        }
        e.put("operation", c.op().name());
        e.put("request_id", c.requestId() == null ? "-" : c.requestId());
        e.put("status", "committed");
        e.put("source", c.source());
        e.set("old", c.before());
        e.set("new", c.after());
        if (c.tenant() != null) {
            e.put("tenant_id", c.tenant());
        }
        return e;
    }

    /** The table's schema changes (under its name now or before a rename); not a request's. */
    private String schemaChange(ConsumerRecord<byte[], byte[]> r, String schema, String name, HistoryText text) {
        if (request != null) {
            return null;
        }
        JsonNode v;
        try {
            v = JSON.readTree(r.value());
        } catch (IOException e) {
            return null;
        }
        boolean ours = schema.equals(v.path("schema").asText()) && name.equals(v.path("table").asText())
                || schema.equals(v.path("old_schema").asText()) && name.equals(v.path("old_table").asText());
        if (!ours) {
            return null;
        }
        return json ? v.toString() : text.entries(List.of(v), Set.of(), false).get(0);
    }

    private String bootstrap() {
        if (bootstrapServers != null && !bootstrapServers.isBlank()) {
            return bootstrapServers;
        }
        Path file = FluxHome.kafkaBootstrapFile(dataDir);
        if (Files.isRegularFile(file)) {
            try {
                return Files.readString(file).strip();
            } catch (IOException e) {
                throw new CliFailure("cannot read " + file + ": " + e.getMessage(), e);
            }
        }
        throw new CliFailure("no Kafka: set KAFKA_BOOTSTRAP_SERVERS (or --bootstrap-servers), or start `flux serve`"
                + " (no " + file.toAbsolutePath().normalize() + ")");
    }

    private KafkaConsumer<byte[], byte[]> consumer(String bootstrap) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "flux-tail-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, from.equals("beginning") ? "earliest" : "latest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        p.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 2000); // a table's topic appears with its first change
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return new KafkaConsumer<>(p);
    }
}

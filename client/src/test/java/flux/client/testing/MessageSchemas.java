package flux.client.testing;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import flux.client.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The client's JSON Schemas (draft 2020-12, {@code flux/client/schema/}), loaded once, with a
 * validator per message kind. In the client's test jar, for every test that reads Flux's topics.
 */
public final class MessageSchemas {
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private static final Map<String, Schema> BY_KIND = Map.of(
            "change", load("change"), "rolled-back", load("rolled-back"),
            "transaction", load("transaction"), "schema-change", load("schema-change"));

    private MessageSchemas() {
    }

    /** The schema's kind for a topic: the shared topics by name, any other a table topic. */
    public static String kind(String topic) {
        return switch (topic) {
            case Topics.ROLLED_BACK -> "rolled-back";
            case Topics.TRANSACTIONS -> "transaction";
            case Topics.SCHEMA_CHANGES -> "schema-change";
            default -> "change";
        };
    }

    /** What is wrong with a message of {@code kind} (empty: it validates), each as {@code /path: message}. */
    public static List<String> errors(String kind, String json) {
        Schema schema = BY_KIND.get(kind);
        if (schema == null) {
            throw new IllegalArgumentException("no schema of kind " + kind);
        }
        return schema.validate(json, InputFormat.JSON).stream().map(MessageSchemas::describe).toList();
    }

    private static String describe(Error e) {
        return e.getInstanceLocation() + ": " + e.getMessage();
    }

    private static Schema load(String kind) {
        String path = "/flux/client/schema/" + kind + ".schema.json";
        try (InputStream in = MessageSchemas.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing " + path);
            }
            return REGISTRY.getSchema(new String(in.readAllBytes(), StandardCharsets.UTF_8), InputFormat.JSON);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package flux.app.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;

/**
 * The OpenAPI document micronaut-openapi generated while app compiled
 * ({@code META-INF/swagger/openapi.yml}), with the flaws of its OpenAPI 3.1 output for
 * {@code @Nullable} fields mended (6.20.0; {@code OpenApiIT} validates real answers against the result):
 * <ul>
 * <li>a field whose type is a schema of its own comes out as {@code {type: "null", allOf: [{$ref: X}]}},
 * which a value of X fails: it becomes {@code {anyOf: [{$ref: X}, {type: "null"}]}};</li>
 * <li>a map (a row image) comes out as {@code {type: "null", additionalProperties: {}}}, which an
 * object fails: its type becomes {@code [object, "null"]};</li>
 * <li>a string comes out as {@code type: [string, "null", object]}: the {@code object} goes.</li>
 * </ul>
 */
final class OpenApiDocument {
    static final String RESOURCE = "META-INF/swagger/openapi.yml";
    private static final YAMLMapper YAML = new YAMLMapper();

    private OpenApiDocument() {
    }

    /** The mended document as YAML. */
    static byte[] load() {
        try (InputStream in = OpenApiDocument.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing: app was compiled without micronaut-openapi");
            }
            JsonNode document = YAML.readTree(in);
            mendNullables(document);
            return YAML.writeValueAsBytes(document);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean contains(ArrayNode types, String type) {
        for (JsonNode t : types) {
            if (t.asText().equals(type)) {
                return true;
            }
        }
        return false;
    }

    static void mendNullables(JsonNode node) {
        if (node instanceof ObjectNode o) {
            JsonNode allOf = o.get("allOf");
            if (o.path("type").asText().equals("null") && allOf instanceof ArrayNode refs && refs.size() == 1) {
                o.remove("type");
                o.remove("allOf");
                ArrayNode anyOf = o.putArray("anyOf");
                anyOf.add(refs.get(0));
                anyOf.addObject().put("type", "null");
            } else if (o.path("type").asText().equals("null") && o.has("additionalProperties")) {
                o.putArray("type").add("object").add("null");
            } else if (o.get("type") instanceof ArrayNode types && types.size() == 3 && contains(types, "null")
                    && contains(types, "object") && !o.has("properties") && !o.has("additionalProperties")) {
                ArrayNode kept = o.putArray("type");
                types.forEach(t -> {
                    if (!t.asText().equals("object")) {
                        kept.add(t);
                    }
                });
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
                mendNullables(it.next().getValue());
            }
        } else if (node instanceof ArrayNode a) {
            a.forEach(OpenApiDocument::mendNullables);
        }
    }
}

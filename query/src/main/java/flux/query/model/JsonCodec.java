package flux.query.model;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.util.JsonGeneratorDelegate;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import flux.query.InvalidQuery;
import java.io.IOException;
import java.math.BigDecimal;

/**
 * The engine's JSON: numbers are exact decimals both ways (no binary floating point between
 * the client and PostgreSQL's numeric), duplicate keys and trailing garbage are errors, and
 * nesting and number length are bounded so a hostile body costs little to reject.
 * Thread-safe.
 */
public final class JsonCodec {
    public static final int MAX_NESTING = 64;
    private static final ObjectMapper MAPPER = build();

    private JsonCodec() {
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** Parses a request body; malformed JSON is an {@link InvalidQuery} naming the position. */
    public static JsonNode parse(String text) {
        try {
            JsonNode node = MAPPER.readTree(text);
            if (node == null || node.isMissingNode()) {
                throw new InvalidQuery(InvalidQuery.Reason.MALFORMED_JSON, "malformed JSON: the body is empty");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new InvalidQuery(InvalidQuery.Reason.MALFORMED_JSON, "malformed JSON: " + Names.shorten(e.getOriginalMessage())
                    + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr()));
        }
    }

    public static JsonNode parseTrusted(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("PostgreSQL produced JSON that does not parse", e);
        }
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render JSON", e);
        }
    }

    private static ObjectMapper build() {
        JsonFactory factory = JsonFactory.builder()
                .addDecorator((f, generator) -> new ExactDecimals(generator))
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_NESTING)
                        .maxNumberLength(1000)
                        .build())
                .build();
        ObjectMapper mapper = new ObjectMapper(factory);
        mapper.setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));
        mapper.enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        mapper.enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
        return mapper;
    }

    /**
     * Decimals plain where Jackson can write them so (a scale within +-9999), in exponent form
     * beyond: such a value is valid input (PostgreSQL's numeric takes scales to 16383), and plain
     * writing would refuse it as unrenderable.
     */
    private static final class ExactDecimals extends JsonGeneratorDelegate {
        private static final int MAX_PLAIN_SCALE = 9999;

        ExactDecimals(JsonGenerator delegate) {
            super(delegate, false);
        }

        @Override
        public void writeNumber(BigDecimal value) throws IOException {
            if (value != null && Math.abs(value.scale()) > MAX_PLAIN_SCALE) {
                delegate.writeNumber(value.toString());
            } else {
                delegate.writeNumber(value);
            }
        }
    }
}

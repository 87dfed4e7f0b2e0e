package flux.app.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.jackson.JacksonConfiguration;
import io.micronaut.jackson.ObjectMapperFactory;

/**
 * The JSON the server writes, without a server: the ObjectMapper Micronaut builds with its
 * default configuration (the one {@code flux serve} runs with), for unit tests of answer shapes.
 */
public final class ServerJson {
    private static final ObjectMapper MAPPER = new ObjectMapperFactory().objectMapper(new JacksonConfiguration(), null);

    private ServerJson() {
    }

    public static String write(Object answer) {
        try {
            return MAPPER.writeValueAsString(answer);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}

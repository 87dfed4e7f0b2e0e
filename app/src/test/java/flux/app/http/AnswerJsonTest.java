package flux.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The query API's answers are written without a tree: each row's text, as PostgreSQL rendered it, byte for byte. */
class AnswerJsonTest {
    /** Spacing, key order, a trailing zero and a non-ASCII character that a tree would not keep as they are. */
    private static final String ROW = "{\"n\" : 1.50, \"b\":\"x\",\"a\":[1,  2],\"s\":\"é\\u00e9\"}";

    @Test
    void aQueryAnswerCopiesEachRowAsItIs() throws Exception {
        byte[] body = AnswerJson.query("req-1", List.of(ROW, "{}"));
        String text = new String(body, StandardCharsets.UTF_8);
        assertThat(text).isEqualTo("{\"request_id\":\"req-1\",\"rows\":[" + ROW + ",{}]}");
        JsonNode json = new ObjectMapper().readTree(body);
        assertThat(json.path("rows").get(0).path("s").asText()).isEqualTo("éé");
        assertThat(new String(AnswerJson.query("r", List.of()), StandardCharsets.UTF_8))
                .isEqualTo("{\"request_id\":\"r\",\"rows\":[]}");
    }

    @Test
    void aTransactionAnswerHasOneResultPerQueryInOrder() throws Exception {
        byte[] body = AnswerJson.transaction("tx-7", List.of(List.of(ROW), List.of(), List.of("{\"id\":1}", "{\"id\":2}")));
        assertThat(new String(body, StandardCharsets.UTF_8)).isEqualTo("{\"request_id\":\"tx-7\",\"results\":[{\"rows\":["
                + ROW + "]},{\"rows\":[]},{\"rows\":[{\"id\":1},{\"id\":2}]}]}");
        JsonNode json = new ObjectMapper().readTree(body);
        assertThat(json.path("results")).hasSize(3);
    }
}

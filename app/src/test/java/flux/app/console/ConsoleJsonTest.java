package flux.app.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConsoleJsonTest {

    @Test
    void anAnswerHoldingALoneSurrogateIsValidUtf8WithTheSurrogateEscaped() throws CharacterCodingException {
        byte[] answer = ConsoleJson.write(Map.of("sql", "SELECT \ud800\u0080 \ud83d\ude00"));
        String decoded = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(answer)).toString();
        assertThat(decoded).isEqualTo("{\"sql\":\"SELECT \\uD800\u0080 \ud83d\ude00\"}");
    }
}

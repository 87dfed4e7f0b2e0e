package flux.app.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;

/**
 * Writes a string that already is JSON as it is, e.g. a row PostgreSQL rendered with
 * {@code row_to_json}: the query path never parses a row to write it again. Use on a field as
 * {@code @JsonSerialize(using = RawJson.class)}, or {@code contentUsing} for a list of rows.
 * The text must be one well-formed JSON value; it is not checked.
 */
public final class RawJson extends StdSerializer<String> {
    public RawJson() {
        super(String.class);
    }

    @Override
    public void serialize(String json, JsonGenerator out, SerializerProvider provider) throws IOException {
        out.writeRawValue(json);
    }
}

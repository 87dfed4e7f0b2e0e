package flux.app.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.util.List;

/**
 * The answer of {@code POST /v1/query}: {@code {"request_id": ..., "rows": [...]}}. Each row is
 * the JSON text PostgreSQL rendered, written as it is ({@link RawJson}).
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
record QueryAnswer(@JsonProperty("request_id") String requestId,
                   @JsonSerialize(contentUsing = RawJson.class) List<String> rows) {
}

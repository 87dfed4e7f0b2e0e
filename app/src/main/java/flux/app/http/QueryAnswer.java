package flux.app.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import java.util.Map;

/**
 * The answer of {@code POST /v1/query}: {@code {"request_id": ..., "rows": [...]}}, each row the
 * JSON text PostgreSQL rendered. The schema of the OpenAPI document; the bytes are written by
 * {@link AnswerJson}, without a tree or reflection.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
record QueryAnswer(@JsonProperty("request_id") String requestId,
                   @ArraySchema(schema = @Schema(implementation = Map.class, description = "a row: column to value")) @JsonSerialize(contentUsing = RawJson.class) List<String> rows) {
}

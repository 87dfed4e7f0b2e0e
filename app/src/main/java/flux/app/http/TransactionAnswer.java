package flux.app.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import java.util.Map;

/**
 * The answer of {@code POST /v1/transaction}: {@code {"request_id": ..., "results": [{"rows": [...]}, ...]}},
 * one result per query in the order sent, rows as PostgreSQL rendered them. The schema of the
 * OpenAPI document; the bytes are written by {@link AnswerJson}.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
record TransactionAnswer(@JsonProperty("request_id") String requestId, List<Result> results) {

    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Result(@ArraySchema(schema = @Schema(implementation = Map.class, description = "a row: column to value")) @JsonSerialize(contentUsing = RawJson.class) List<String> rows) {
    }
}

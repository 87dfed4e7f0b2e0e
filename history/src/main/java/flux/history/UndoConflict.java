package flux.history;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * A later committed change an undo would overwrite: after the undone request, request
 * {@code requestId} (any source: the API, raw SQL, the console) changed {@code column} of the row
 * to {@code value}. {@code column} is {@value #WHOLE_ROW} when the later change concerns the whole
 * row (the undo deletes a row the request inserted, or re-inserts one it deleted, and the row was
 * written since; or the row was deleted, truncated or moved to another key since); {@code value} is
 * then the row's image after that change (null when it is gone). {@code forced}: the caller chose
 * to overwrite it ({@link UndoForce}).
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"table", "row_id", "column", "request_id", "source", "operation", "at", "value", "forced"})
public record UndoConflict(String table, @JsonProperty("row_id") String rowId, String column,
                           @JsonProperty("request_id") String requestId, String source, String operation, String at,
                           JsonNode value, boolean forced) {
    public static final String WHOLE_ROW = "*";

    /** How {@code --force} names it: {@code table:row_id:column}. */
    public String forceName() {
        return table + ":" + rowId + ":" + column;
    }
}

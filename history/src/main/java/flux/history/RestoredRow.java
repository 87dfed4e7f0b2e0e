package flux.history;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A row brought back by {@link Restore}: the image it was restored from ({@code row}, as of
 * {@code from}: just before its deletion, or the moment asked for), inserted again by request
 * {@code requestId}. {@code deletedBy} names what removed it (null when a moment was given).
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"table", "row_id", "from", "deleted_by", "request_id", "row"})
public record RestoredRow(String table, @JsonProperty("row_id") String rowId, String from,
                          @JsonProperty("deleted_by") RowSnapshot.Mutation deletedBy,
                          @JsonProperty("request_id") String requestId, ObjectNode row) {
}

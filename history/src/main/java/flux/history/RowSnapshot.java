package flux.history;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.annotation.Nullable;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A row as it was at {@code time}: the after image of the last committed record at or
 * before that time ({@code mutation}). {@code exists} is false (and {@code row} null) before
 * the row was inserted and while it was deleted (a DELETE, a TRUNCATE of its table, or an UPDATE
 * that moved it to another key: then {@code mutation.row_id} names that key).
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"table", "row_id", "time", "exists", "row", "mutation"})
public record RowSnapshot(String table,
                          @JsonProperty("row_id") String rowId,
                          String time,
                          boolean exists,
                          @Nullable ObjectNode row,
                          @Nullable Mutation mutation) {

    /** The record the snapshot comes from; {@code rowId} only when it changed the row's key (the key after). */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @JsonPropertyOrder({"id", "operation", "request_id", "at", "row_id"})
    public record Mutation(long id, String operation, @JsonProperty("request_id") String requestId, String at,
                           @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("row_id") String rowId) {
    }
}

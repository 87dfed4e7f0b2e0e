package flux.history;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.annotation.Nullable;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Who last wrote each column of a row. {@code deletedBy} is set while the row is deleted (its
 * columns then show the last values it had): by a DELETE, a TRUNCATE of its table, or an UPDATE
 * that changed its key ({@code movedTo} then names the new key). {@code movedFrom} names the key
 * the row had before a key change made it this one, when columns keep their blame from there.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"table", "row_id", "deleted", "deleted_by", "moved_to", "moved_from", "columns"})
public record Blame(String table,
                    @JsonProperty("row_id") String rowId,
                    boolean deleted,
                    @Nullable @JsonProperty("deleted_by") Stamp deletedBy,
                    @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("moved_to") String movedTo,
                    @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("moved_from") String movedFrom,
                    List<Line> columns) {

    /** A request and when its record was written. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @JsonPropertyOrder({"request_id", "at"})
    public record Stamp(@JsonProperty("request_id") String requestId, String at) {
    }

    /**
     * One column: its current value, the request that last committed it and when (null when
     * no record attributes it, e.g. a column added after the row's last write), and the last
     * attempt on it when that attempt is newer than the commit and rolled back.
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @JsonPropertyOrder({"column", "value", "request_id", "at", "last_attempt"})
    public record Line(String column,
                       JsonNode value,
                       @Nullable @JsonProperty("request_id") String requestId,
                       @Nullable String at,
                       @Nullable @JsonProperty("last_attempt") Attempt lastAttempt) {
    }

    /** A rolled-back attempt: who, when, the value it tried to write, and why it failed. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @JsonPropertyOrder({"request_id", "status", "at", "value", "error"})
    public record Attempt(@JsonProperty("request_id") String requestId,
                          String status,
                          String at,
                          JsonNode value,
                          @Nullable String error) {
    }
}

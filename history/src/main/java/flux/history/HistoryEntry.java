package flux.history;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.annotation.Nullable;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * One mutation record as history shows it (the JSON shape of docs/history.md). {@code table}
 * and {@code rowId} are set only where entries of several rows are listed together (a
 * request's mutations), and {@code rowId} also on an UPDATE that changed the row's primary key,
 * with {@code oldRowId}, the key before (the entry ends the old key's history and starts the new
 * key's); {@code old}, {@code new}, {@code changedColumns}, {@code error} are null where the
 * record has none; {@code tenantId} is left out when the record has no tenant. Images list
 * columns in the table's order, under the names the columns have now: {@code renamed} maps each
 * column renamed since the record was written to the name it had then (left out when none was).
 * A TRUNCATE entry (operation {@code TRUNCATE}, no images) is its table's, shown in the history of
 * every row it emptied.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"table", "row_id", "old_row_id", "id", "at", "operation", "request_id", "status", "source", "old",
        "new", "changed_columns", "renamed", "error", "tenant_id"})
public record HistoryEntry(
        @JsonInclude(JsonInclude.Include.NON_NULL) String table,
        @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("row_id") String rowId,
        @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("old_row_id") String oldRowId,
        long id,
        String at,
        String operation,
        @Nullable @JsonProperty("request_id") String requestId,
        String status,
        String source,
        @Nullable ObjectNode old,
        @Nullable @JsonProperty("new") ObjectNode after,
        @Nullable @JsonProperty("changed_columns") List<String> changedColumns,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> renamed,
        @Nullable String error,
        @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("tenant_id") String tenantId) {
}

package flux.client.rest;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** The JSON answers of the Flux API as records (docs/query-api.md, docs/history.md). Fields an answer lacks are null. */
public final class Answers {
    private Answers() {
    }

    /** {@code POST /v1/query}: the request's id and the rows selected, or affected as they are after the write. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record QueryResult(@JsonProperty("request_id") String requestId, List<JsonNode> rows) {
    }

    /** {@code POST /v1/transaction}: the rows of each query, in order. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record TransactionResult(@JsonProperty("request_id") String requestId, List<Rows> results) {
        @JsonIgnoreProperties(ignoreUnknown = true)
        public record Rows(List<JsonNode> rows) {
        }
    }

    /** One record of the mutation log; {@code table} and {@code rowId} are set in a request's entries. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record HistoryEntry(long id, String at, String operation, @JsonProperty("request_id") String requestId,
                               String status, String source, JsonNode old, @JsonProperty("new") JsonNode newImage,
                               @JsonProperty("changed_columns") List<String> changedColumns, String error,
                               String table, @JsonProperty("row_id") String rowId,
                               @JsonProperty("old_row_id") String oldRowId, @JsonProperty("tenant_id") String tenantId) {
    }

    /** {@code GET /v1/state/{table}/{id}/history}: one page, in commit order. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record HistoryPage(String table, @JsonProperty("row_id") String rowId,
                              @JsonProperty("key_columns") List<String> keyColumns,
                              @JsonProperty("next_cursor") String nextCursor, List<HistoryEntry> entries) {
    }

    /** {@code GET /v1/requests/{id}}: everything one request wrote, oldest first. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record RequestPage(@JsonProperty("request_id") String requestId,
                              @JsonProperty("next_cursor") String nextCursor, List<HistoryEntry> entries) {
    }

    /** {@code GET /v1/state/{table}/{id}/blame}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Blame(String table, @JsonProperty("row_id") String rowId, boolean deleted,
                        @JsonProperty("deleted_by") JsonNode deletedBy, @JsonProperty("moved_to") String movedTo,
                        @JsonProperty("moved_from") String movedFrom, List<ColumnBlame> columns) {
    }

    /** A column's current value and the request that last committed it; {@code lastAttempt} a newer rolled-back one. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ColumnBlame(String column, JsonNode value, @JsonProperty("request_id") String requestId, String at,
                              @JsonProperty("last_attempt") JsonNode lastAttempt) {
    }
}

package flux.history;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * One page of a row's history; {@code nextCursor} is null on the last page. {@code keyColumns}
 * names the table's primary key columns (so readers can tell the key from the data).
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"table", "row_id", "key_columns", "next_cursor", "entries"})
public record HistoryPage(String table,
                          @JsonProperty("row_id") String rowId,
                          @JsonProperty("key_columns") List<String> keyColumns,
                          @JsonProperty("next_cursor") String nextCursor,
                          List<HistoryEntry> entries) {
}

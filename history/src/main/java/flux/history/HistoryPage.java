package flux.history;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.annotation.Nullable;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * One page of a row's history; {@code nextCursor} is null on the last page. {@code keyColumns}
 * names the table's primary key columns (so readers can tell the key from the data).
 * {@code schemaChanges} are the changes to the table's shape made between the page's entries (and,
 * on the page with the row's newest entry, since it), oldest first, left out when there are none;
 * {@code tableDropped} is true (and only then present) when the table no longer exists.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"table", "row_id", "key_columns", "table_dropped", "next_cursor", "entries", "schema_changes"})
public record HistoryPage(String table,
                          @JsonProperty("row_id") String rowId,
                          @JsonProperty("key_columns") List<String> keyColumns,
                          @JsonInclude(JsonInclude.Include.NON_DEFAULT) @JsonProperty("table_dropped") boolean tableDropped,
                          @Nullable @JsonProperty("next_cursor") String nextCursor,
                          List<HistoryEntry> entries,
                          @JsonInclude(JsonInclude.Include.NON_EMPTY) @JsonProperty("schema_changes")
                          List<SchemaEvent> schemaChanges) {
}

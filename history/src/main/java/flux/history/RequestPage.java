package flux.history;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.annotation.Nullable;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/** A page of the mutations one request made or attempted, across tables, in the order written. */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"request_id", "next_cursor", "entries"})
public record RequestPage(@JsonProperty("request_id") String requestId,
                          @Nullable @JsonProperty("next_cursor") String nextCursor,
                          List<HistoryEntry> entries) {
}

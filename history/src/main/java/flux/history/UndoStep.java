package flux.history;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * One write of an undo's plan, reversing one committed record of the undone request: an
 * {@code update} sets the columns the record changed back ({@code from}: what the request set,
 * {@code to}: what it replaced), a {@code delete} removes a row the request inserted, an
 * {@code insert} brings back a row the request deleted with its original key. {@code key} (the key
 * columns' values) finds the row; {@code values} is what the write sets (the whole row for an insert).
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"table", "row_id", "action", "columns"})
public record UndoStep(String table, @JsonProperty("row_id") String rowId, String action,
                       List<ColumnChange> columns,
                       @JsonIgnore TableRef tableRef, @JsonIgnore ObjectNode key, @JsonIgnore ObjectNode values) {

    public static final String UPDATE = "update";
    public static final String INSERT = "insert";
    public static final String DELETE = "delete";

    /** A column the step writes: from the value the undone request left to the one it replaced. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @JsonPropertyOrder({"column", "from", "to"})
    public record ColumnChange(String column, JsonNode from, JsonNode to) {
    }
}

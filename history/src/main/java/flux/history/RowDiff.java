package flux.history;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * How one row differs between two moments ({@code from}, {@code to}; each inclusive, as as-of
 * reads are): its state at each ({@link RowAsOf}), the net {@code change} ({@code inserted},
 * {@code deleted}, {@code updated}, {@code none}), and its columns side by side, in table order,
 * each with {@code changed}. A column absent from one side (the row did not exist, or the column was
 * added or dropped between) is null there.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"table", "row_id", "from", "to", "change", "existed_from", "exists_to", "columns"})
public record RowDiff(String table, @JsonProperty("row_id") String rowId, String from, String to, String change,
                      @JsonProperty("existed_from") boolean existedFrom, @JsonProperty("exists_to") boolean existsTo,
                      List<Column> columns) {

    /** One column at the two moments. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @JsonPropertyOrder({"column", "from", "to", "changed"})
    public record Column(String column, JsonNode from, JsonNode to, boolean changed) {
    }

    static RowDiff of(RowSnapshot before, RowSnapshot after) {
        ObjectNode a = before.row();
        ObjectNode b = after.row();
        Set<String> names = new LinkedHashSet<>();
        if (a != null) {
            a.fieldNames().forEachRemaining(names::add);
        }
        if (b != null) {
            b.fieldNames().forEachRemaining(names::add);
        }
        List<Column> columns = new ArrayList<>();
        boolean anyChanged = false;
        for (String name : names) {
            JsonNode x = a == null || !a.has(name) ? NullNode.getInstance() : a.get(name);
            JsonNode y = b == null || !b.has(name) ? NullNode.getInstance() : b.get(name);
            boolean changed = !x.equals(y);
            anyChanged |= changed;
            columns.add(new Column(name, x, y, changed));
        }
        String change = before.exists() == after.exists() ? (before.exists() && anyChanged ? "updated" : "none")
                : after.exists() ? "inserted" : "deleted";
        return new RowDiff(after.table(), after.rowId(), before.time(), after.time(), change, before.exists(),
                after.exists(), List.copyOf(columns));
    }
}

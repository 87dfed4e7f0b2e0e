package flux.query.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.Objects;

/**
 * One WHERE condition: {@code column op value}. The value is JSON as the caller sent it
 * (an array for {@link Op#IN}, ignored for {@link Op#IS_NULL} / {@link Op#NOT_NULL}); it is
 * converted to the column's type by PostgreSQL, never spliced into SQL.
 */
public record Filter(String column, Op op, JsonNode value) {
    public Filter {
        Objects.requireNonNull(column, "column");
        Objects.requireNonNull(op, "op");
        value = value == null ? NullNode.getInstance() : value;
    }

    public static Filter of(String column, Op op, Object value) {
        return new Filter(column, op, Values.toJson(value));
    }
}

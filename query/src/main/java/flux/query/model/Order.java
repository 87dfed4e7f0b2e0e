package flux.query.model;

import java.util.Objects;

/** One ORDER BY term. */
public record Order(String column, boolean descending) {
    public Order {
        Objects.requireNonNull(column, "column");
    }

    public static Order asc(String column) {
        return new Order(column, false);
    }

    public static Order desc(String column) {
        return new Order(column, true);
    }
}

package flux.query.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One structured query, as {@code POST /v1/query} takes it. Names are unchecked here: the
 * compiler checks them against the catalog. {@code rows} holds the insert rows (one or more)
 * or the single update assignment; {@code limit} and {@code offset} are null when absent;
 * {@code all} must be true for an update or delete without filters. {@code restoring} (never from
 * JSON: history's undo and restore only) marks an insert that brings rows back as they were, so
 * identity {@code ALWAYS} columns take the values given ({@code OVERRIDING SYSTEM VALUE}).
 */
public record Query(String table, Operation operation, List<Filter> filters, List<String> columns,
                    List<ObjectNode> rows, Integer limit, Integer offset, List<Order> order, boolean all,
                    boolean restoring) {

    /** A query as the API takes it (not {@link #restoring}). */
    public Query(String table, Operation operation, List<Filter> filters, List<String> columns,
                 List<ObjectNode> rows, Integer limit, Integer offset, List<Order> order, boolean all) {
        this(table, operation, filters, columns, rows, limit, offset, order, all, false);
    }

    public Query {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(operation, "operation");
        filters = List.copyOf(filters == null ? List.of() : filters);
        columns = List.copyOf(columns == null ? List.of() : columns);
        rows = List.copyOf(rows == null ? List.of() : rows);
        order = List.copyOf(order == null ? List.of() : order);
    }

    public static Builder select(String table) {
        return new Builder(table, Operation.SELECT);
    }

    public static Builder insert(String table) {
        return new Builder(table, Operation.INSERT);
    }

    public static Builder update(String table) {
        return new Builder(table, Operation.UPDATE);
    }

    public static Builder delete(String table) {
        return new Builder(table, Operation.DELETE);
    }

    /** Fluent construction for Java callers: {@code Query.update("users").set(Map.of("plan", "pro")).where("id", Op.EQ, 42).build()}. */
    public static final class Builder {
        private final String table;
        private final Operation operation;
        private final List<Filter> filters = new ArrayList<>();
        private final List<String> columns = new ArrayList<>();
        private final List<ObjectNode> rows = new ArrayList<>();
        private final List<Order> order = new ArrayList<>();
        private Integer limit;
        private Integer offset;
        private boolean all;

        private Builder(String table, Operation operation) {
            this.table = table;
            this.operation = operation;
        }

        public Builder where(String column, Op op, Object value) {
            filters.add(Filter.of(column, op, value));
            return this;
        }

        public Builder where(Filter filter) {
            filters.add(filter);
            return this;
        }

        public Builder columns(String... names) {
            columns.addAll(List.of(names));
            return this;
        }

        /** An insert row, or the update's assignments. */
        public Builder set(Map<String, ?> values) {
            rows.add(Values.row(values));
            return this;
        }

        public Builder row(ObjectNode values) {
            rows.add(values);
            return this;
        }

        public Builder limit(int limit) {
            this.limit = limit;
            return this;
        }

        public Builder offset(int offset) {
            this.offset = offset;
            return this;
        }

        public Builder orderBy(Order term) {
            order.add(term);
            return this;
        }

        public Builder all() {
            this.all = true;
            return this;
        }

        public Query build() {
            return new Query(table, operation, filters, columns, rows, limit, offset, order, all);
        }
    }
}

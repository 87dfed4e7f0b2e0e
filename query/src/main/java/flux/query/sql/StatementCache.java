package flux.query.sql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import flux.query.catalog.Table;
import flux.query.model.Filter;
import flux.query.model.Order;
import flux.query.model.Query;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The statements {@link SqlCompiler} compiled, by query shape: the same shape compiles once,
 * and each later query of it only binds its own values (through the same conversions,
 * {@link Params.Slot}). A shape is everything the text depends on: the catalog's table (by
 * identity, so a catalog read again never matches an older entry), the operation, whether the
 * records come back, the names of the columns, filters, order and row fields with each value's
 * JSON form (null, text, other scalar, array, object), which of limit, offset and all are
 * there, and whether it restores rows. Values never are.
 *
 * <p>Bounded: when {@code capacity} shapes are held, the next new one empties the cache, so a
 * workload of ever new shapes costs a compile each, as without a cache, and holds little memory.
 * Thread-safe.
 */
final class StatementCache {
    /** Shapes held at most by default: a few per table and operation an application uses. */
    static final int DEFAULT_CAPACITY = 1024;

    /** A shape: {@code table} compared by identity (Table does not override equals). */
    record Key(Table table, String shape) {
    }

    /** A compiled statement, ready to bind the values of any query of its shape. */
    record Template(String text, int leadingStatements, List<Params.Slot> slots, Map<String, String> prefixed) {
        Template(String text, int leadingStatements, List<Params.Slot> slots) {
            this(text, leadingStatements, List.copyOf(slots), new ConcurrentHashMap<>(4));
        }

        SqlStatement bind(Query query) {
            List<Object> values = new ArrayList<>(slots.size());
            for (Params.Slot slot : slots) {
                values.add(slot.valueIn(query));
            }
            return statement(values);
        }

        SqlStatement statement(List<Object> values) {
            return new SqlStatement(text, Collections.unmodifiableList(values), leadingStatements, prefixed);
        }
    }

    private final int capacity;
    private final Map<Key, Template> templates = new ConcurrentHashMap<>();

    StatementCache(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("a statement cache holds at least one shape, not " + capacity);
        }
        this.capacity = capacity;
    }

    Template get(Key key) {
        return templates.get(key);
    }

    /** Keeps {@code template} for {@code key}; returns the statement of the query it was compiled from. */
    SqlStatement put(Key key, Template template, List<Object> values) {
        if (templates.size() >= capacity) {
            templates.clear();
        }
        templates.putIfAbsent(key, template);
        return template.statement(new ArrayList<>(values));
    }

    void clear() {
        templates.clear();
    }

    int size() {
        return templates.size();
    }

    static Key keyOf(Query query, Table table, boolean records) {
        StringBuilder s = new StringBuilder(64);
        s.append(query.operation().ordinal()).append(records ? 'r' : '-').append(query.all() ? 'a' : '-')
                .append(query.restoring() ? 's' : '-')
                .append(query.limit() == null ? '-' : 'l')
                .append(query.offset() == null ? '-' : query.offset() > 0 ? 'o' : '0');
        for (String column : query.columns()) {
            name(s.append('c'), column);
        }
        for (Order o : query.order()) {
            name(s.append(o.descending() ? 'D' : 'A'), o.column());
        }
        for (Filter f : query.filters()) {
            name(s.append('f').append(f.op().ordinal()).append(form(f.value())), f.column());
        }
        for (ObjectNode row : query.rows()) {
            s.append('R');
            for (Iterator<Map.Entry<String, JsonNode>> it = row.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                name(s.append(form(field.getValue())), field.getKey());
            }
        }
        return new Key(table, s.toString());
    }

    /** A name, length first: no name can run into the next part of the shape. */
    private static void name(StringBuilder s, String name) {
        s.append(name.length()).append(':').append(name);
    }

    private static char form(JsonNode value) {
        if (value.isNull()) {
            return 'n';
        }
        if (value.isTextual()) {
            return 't';
        }
        if (value.isArray()) {
            return '[';
        }
        return value.isObject() ? '{' : 's';
    }
}

package flux.query.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import flux.query.InvalidQuery;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the JSON query shape of {@code POST /v1/query} into a {@link Query}. Strict: unknown
 * fields, wrong JSON types and out-of-range numbers are {@link InvalidQuery}, so a typo
 * ({@code "filter"} for {@code "filters"}) cannot silently widen an update.
 */
public final class QueryJson {
    private static final Set<String> FIELDS = Set.of("table", "operation", "filters", "columns", "data",
            "limit", "offset", "order", "all");
    private static final Set<String> FILTER_FIELDS = Set.of("column", "op", "value");
    private static final Set<String> ORDER_FIELDS = Set.of("column", "dir");

    private QueryJson() {
    }

    public static Query read(JsonNode json) {
        if (!json.isObject()) {
            throw new InvalidQuery("a query must be a JSON object");
        }
        requireKnownFields(json, FIELDS, "query");
        String table = text(json, "table", true);
        Operation operation = Operation.parse(text(json, "operation", true));
        return new Query(table, operation, filters(json.get("filters")), columns(json.get("columns")),
                rows(json.get("data")), integer(json, "limit"), integer(json, "offset"),
                order(json.get("order")), bool(json, "all"));
    }

    /** The {@code queries} array of {@code POST /v1/transaction}. */
    public static List<Query> readTransaction(JsonNode json, int maxQueries) {
        if (!json.isObject()) {
            throw new InvalidQuery("a transaction must be a JSON object {\"queries\": [...]}");
        }
        requireKnownFields(json, Set.of("queries"), "transaction");
        JsonNode queries = json.get("queries");
        if (queries == null || !queries.isArray() || queries.isEmpty()) {
            throw new InvalidQuery("\"queries\" must be a non-empty array");
        }
        if (queries.size() > maxQueries) {
            throw new InvalidQuery(InvalidQuery.Reason.TOO_MANY_QUERIES,
                    "a transaction holds at most " + maxQueries + " queries, got " + queries.size());
        }
        List<Query> result = new ArrayList<>();
        for (int i = 0; i < queries.size(); i++) {
            try {
                result.add(read(queries.get(i)));
            } catch (InvalidQuery e) {
                throw new InvalidQuery("queries[" + i + "]: " + e.getMessage());
            }
        }
        return result;
    }

    private static List<Filter> filters(JsonNode node) {
        List<Filter> filters = new ArrayList<>();
        for (JsonNode f : array(node, "filters")) {
            if (!f.isObject()) {
                throw new InvalidQuery("each filter must be an object {column, op, value}");
            }
            requireKnownFields(f, FILTER_FIELDS, "filter");
            filters.add(new Filter(text(f, "column", true), Op.parse(text(f, "op", true)), f.get("value")));
        }
        return filters;
    }

    private static List<String> columns(JsonNode node) {
        List<String> columns = new ArrayList<>();
        for (JsonNode c : array(node, "columns")) {
            if (!c.isTextual()) {
                throw new InvalidQuery("\"columns\" must be an array of column names");
            }
            columns.add(c.textValue());
        }
        return columns;
    }

    private static List<ObjectNode> rows(JsonNode node) {
        List<ObjectNode> rows = new ArrayList<>();
        if (node == null || node.isNull()) {
            return rows;
        }
        if (node.isObject()) {
            rows.add((ObjectNode) node);
            return rows;
        }
        if (!node.isArray()) {
            throw new InvalidQuery("\"data\" must be an object, or an array of objects for a bulk insert");
        }
        for (JsonNode row : node) {
            if (!row.isObject()) {
                throw new InvalidQuery("\"data\" must be an object, or an array of objects for a bulk insert");
            }
            rows.add((ObjectNode) row);
        }
        return rows;
    }

    private static List<Order> order(JsonNode node) {
        List<Order> order = new ArrayList<>();
        for (JsonNode o : array(node, "order")) {
            if (!o.isObject()) {
                throw new InvalidQuery("each order term must be an object {column, dir}");
            }
            requireKnownFields(o, ORDER_FIELDS, "order term");
            String dir = text(o, "dir", false);
            boolean descending;
            if (dir == null || dir.equals("asc")) {
                descending = false;
            } else if (dir.equals("desc")) {
                descending = true;
            } else {
                throw new InvalidQuery("order \"dir\" must be \"asc\" or \"desc\", got \"" + Names.shorten(dir) + "\"");
            }
            order.add(new Order(text(o, "column", true), descending));
        }
        return order;
    }

    private static Iterable<JsonNode> array(JsonNode node, String field) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new InvalidQuery("\"" + field + "\" must be an array");
        }
        return node;
    }

    private static String text(JsonNode json, String field, boolean required) {
        JsonNode value = json.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw new InvalidQuery("\"" + field + "\" is required");
            }
            return null;
        }
        if (!value.isTextual()) {
            throw new InvalidQuery("\"" + field + "\" must be a string");
        }
        return value.textValue();
    }

    private static Integer integer(JsonNode json, String field) {
        JsonNode value = json.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < 0) {
            throw new InvalidQuery("\"" + field + "\" must be a non-negative integer");
        }
        return value.intValue();
    }

    private static boolean bool(JsonNode json, String field) {
        JsonNode value = json.get(field);
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw new InvalidQuery("\"" + field + "\" must be true or false");
        }
        return value.booleanValue();
    }

    private static void requireKnownFields(JsonNode json, Set<String> known, String what) {
        for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext(); ) {
            String name = it.next().getKey();
            if (!known.contains(name)) {
                throw new InvalidQuery("unknown field \"" + Names.shorten(name) + "\" in " + what
                        + " (expected one of " + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        }
    }
}

package flux.app.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import flux.app.ui.view.RowList;
import flux.query.QueryEngine;
import flux.query.QueryResult;
import flux.query.catalog.Column;
import flux.query.catalog.Table;
import flux.query.model.Op;
import flux.query.model.QueryJson;
import flux.query.model.RequestId;
import flux.tenancy.TenantScope;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The rows page's form as a query of the query API: the same JSON a client would send
 * ({@code select} with filters, limit, offset, ordered by the key), read by the API's own parser
 * and run by the engine in the caller's scope, so the page filters exactly as the API does.
 * Values are sent as text (PostgreSQL converts them to the column's type); {@code in} takes a
 * comma-separated list.
 */
final class RowQuery {
    static final List<String> OPS = Arrays.stream(Op.values()).map(Op::jsonName).toList();
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final String table;
    private final List<RowList.FilterLine> filters;
    private final int offset;
    private final int limit;

    private RowQuery(String table, List<RowList.FilterLine> filters, int offset, int limit) {
        this.table = table;
        this.filters = filters;
        this.offset = offset;
        this.limit = limit;
    }

    /** The form's filters, those with a column (the form's empty lines are left out). */
    static RowQuery of(String table, List<String> columns, List<String> ops, List<String> values, int offset,
                       int limit) {
        List<RowList.FilterLine> filters = new ArrayList<>();
        int n = columns == null ? 0 : columns.size();
        for (int i = 0; i < n; i++) {
            String column = columns.get(i).strip();
            if (!column.isEmpty()) {
                filters.add(new RowList.FilterLine(column, at(ops, i, "eq"), at(values, i, "")));
            }
        }
        return new RowQuery(table, filters, offset, limit);
    }

    List<RowList.FilterLine> filters() {
        return filters;
    }

    int offset() {
        return offset;
    }

    /** One row more than the page holds is asked for: its presence says there is a next page. */
    Page run(QueryEngine engine, TenantScope scope, String clientId) {
        Table shape = scope == null ? engine.catalog().table(table) : scope.resolve(engine.catalog(), table, true);
        ObjectNode json = JSON.objectNode().put("table", table).put("operation", "select")
                .put("limit", limit + 1).put("offset", offset);
        ArrayNode filterJson = json.putArray("filters");
        for (RowList.FilterLine f : filters) {
            ObjectNode filter = filterJson.addObject().put("column", f.column()).put("op", f.op());
            if (f.op().equals("in")) {
                ArrayNode list = filter.putArray("value");
                Arrays.stream(f.value().split(",")).map(String::strip).forEach(list::add);
            } else if (!f.op().equals("is_null") && !f.op().equals("not_null")) {
                filter.put("value", f.value());
            }
        }
        ArrayNode order = json.putArray("order");
        shape.primaryKey().forEach(k -> order.addObject().put("column", k.name()).put("dir", "asc"));
        QueryResult result = engine.query(RequestId.generate(), clientId, scope, QueryJson.read(json));
        List<String> columns = shape.columns().stream().map(Column::name).toList();
        List<List<String>> rows = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (JsonNode row : result.rows()) {
            if (rows.size() == limit) {
                break;
            }
            List<String> cells = new ArrayList<>(columns.size());
            columns.forEach(c -> cells.add(Diffs.text(row, c)));
            rows.add(cells);
            ids.add(rowId(shape, row));
        }
        return new Page(columns, rows, ids, result.size() > limit);
    }

    /** The row's id as history takes it: the key's text, or a JSON array of texts for a composite key; null without a key. */
    private static String rowId(Table shape, JsonNode row) {
        if (shape.primaryKey().isEmpty()) {
            return null; // no key, no history
        }
        if (shape.primaryKey().size() == 1) {
            return Diffs.text(row, shape.primaryKey().get(0).name());
        }
        ArrayNode parts = JSON.arrayNode();
        shape.primaryKey().forEach(k -> parts.add(Diffs.text(row, k.name())));
        return parts.toString();
    }

    private static String at(List<String> list, int i, String fallback) {
        return list != null && i < list.size() && list.get(i) != null ? list.get(i).strip() : fallback;
    }

    record Page(List<String> columns, List<List<String>> rows, List<String> rowIds, boolean more) {
    }
}

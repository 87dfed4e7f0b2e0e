package flux.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import flux.query.QueryEngine;
import flux.query.QueryResult;
import flux.query.Transaction;
import flux.query.model.Filter;
import flux.query.model.Op;
import flux.query.model.Operation;
import flux.query.model.Query;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs an undo's steps as engine queries in the undo's transaction, in plan order. Consecutive
 * steps that can share one statement do: deletes of one table, inserts into one table, updates of
 * one table that set the same values (a bulk update undone), each batch keyed by a single-column key
 * ({@code in}, at most {@code maxInValues} keys); the rest run one query per step. Every update and
 * delete must find its row: a row gone since (only when its conflict was forced) aborts the undo.
 */
final class UndoWrites {
    private final Transaction tx;
    private final QueryEngine engine;

    UndoWrites(Transaction tx, QueryEngine engine) {
        this.tx = tx;
        this.engine = engine;
    }

    void run(List<UndoStep> steps) {
        int i = 0;
        while (i < steps.size()) {
            int end = i + 1;
            while (end < steps.size() && end - i < engine.limits().maxInValues() && batches(steps.get(i), steps.get(end))) {
                end++;
            }
            runBatch(steps.subList(i, end));
            i = end;
        }
    }

    private static boolean batches(UndoStep first, UndoStep next) {
        if (!first.action().equals(next.action()) || !first.tableRef().equals(next.tableRef())) {
            return false;
        }
        return switch (first.action()) {
            case UndoStep.INSERT -> first.values().size() == next.values().size();
            case UndoStep.DELETE -> first.key().size() == 1;
            default -> first.key().size() == 1 && first.values().equals(next.values());
        };
    }

    private void runBatch(List<UndoStep> batch) {
        UndoStep first = batch.get(0);
        String table = first.tableRef().schema() + "." + first.tableRef().name();
        if (first.action().equals(UndoStep.INSERT)) {
            tx.query(new Query(table, Operation.INSERT, List.of(), List.of(),
                    batch.stream().map(s -> ImageValues.forQuery(engine, table, s.values(), false)).toList(), null, null,
                    List.of(), false, true));
            return;
        }
        Operation operation = first.action().equals(UndoStep.DELETE) ? Operation.DELETE : Operation.UPDATE;
        List<ObjectNode> rows = operation == Operation.UPDATE ? List.of(ImageValues.forQuery(engine, table, first.values(), false))
                : List.of();
        QueryResult result = tx.query(new Query(table, operation, keyFilter(table, batch), List.of(), rows, null, null,
                List.of(), false));
        if (result.size() != batch.size()) {
            throw new HistoryException.Refused("undo stopped: " + (batch.size() - result.size()) + " of the rows of "
                    + first.table() + " it " + (operation == Operation.DELETE ? "deletes" : "updates") + " ("
                    + String.join(", ", batch.stream().limit(5).map(UndoStep::rowId).toList())
                    + (batch.size() > 5 ? ", ..." : "") + ") no longer exist; nothing was changed");
        }
    }

    private List<Filter> keyFilter(String table, List<UndoStep> batch) {
        UndoStep first = batch.get(0);
        if (batch.size() == 1) {
            List<Filter> filters = new ArrayList<>();
            ObjectNode key = ImageValues.forQuery(engine, table, first.key(), false);
            for (Map.Entry<String, JsonNode> k : (Iterable<Map.Entry<String, JsonNode>>) key::fields) {
                filters.add(new Filter(k.getKey(), Op.EQ, k.getValue()));
            }
            return filters;
        }
        String column = first.key().fieldNames().next();
        ArrayNode keys = JsonNodeFactory.instance.arrayNode();
        batch.forEach(s -> keys.add(ImageValues.forQuery(engine, table, s.key(), false).get(column)));
        return List.of(new Filter(column, Op.IN, keys));
    }
}

package flux.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import flux.dev.testing.TestPostgres;
import flux.query.QueryEngine;
import flux.query.QueryException;
import flux.query.model.JsonCodec;
import flux.query.model.Query;
import flux.query.model.QueryJson;
import flux.query.model.RequestId;
import flux.query.testing.EngineFixture;
import java.sql.SQLException;
import java.util.Iterator;
import java.util.Map;
import javax.sql.DataSource;

/**
 * A fresh database per test class with the flux and history schemas and the tables of
 * {@code ddl}, written through the Data Engine: each write is one request of its own, so its
 * mutation records (and, when it fails, the rolled-back attempts) are the engine's.
 */
final class HistoryDatabase implements AutoCloseable {
    final TestPostgres pg;
    final DataSource dataSource;
    final QueryEngine engine;
    final History history;
    private final EngineFixture fx;

    /** A row: its table ({@code schema.table} or a name in public) and its key as a JSON object in key order. */
    record Row(String table, String key) {
        static Row of(String table, String key) {
            return new Row(table, key);
        }
    }

    HistoryDatabase(TestPostgres server, String name, String ddl) throws SQLException {
        fx = new EngineFixture(server, name, ddl);
        pg = fx.db;
        dataSource = fx.dataSource;
        engine = fx.engine;
        HistorySchema.install(dataSource);
        history = new History(dataSource);
    }

    /** Inserts {@code values} (key included) as request {@code requestId}; false when it rolled back. */
    boolean insert(String requestId, Row row, String values) {
        return run(requestId, insertQuery(row, values));
    }

    boolean update(String requestId, Row row, String changes) {
        return run(requestId, updateQuery(row, changes));
    }

    boolean delete(String requestId, Row row) {
        return run(requestId, QueryJson.read(byKey(row, query(row, "delete"))));
    }

    Query insertQuery(Row row, String values) {
        return QueryJson.read(query(row, "insert").set("data", JsonCodec.parse(values)));
    }

    Query updateQuery(Row row, String changes) {
        return QueryJson.read(byKey(row, query(row, "update")).set("data", JsonCodec.parse(changes)));
    }

    void execute(String sql) {
        fx.execute(sql);
    }

    /** The rows of a query, each value as text. */
    java.util.List<java.util.List<String>> rows(String sql) {
        return fx.rows(sql);
    }

    private boolean run(String requestId, Query query) {
        try {
            engine.query(RequestId.of(requestId), query);
            return true;
        } catch (QueryException e) {
            return false;
        }
    }

    private static ObjectNode query(Row row, String operation) {
        return JsonCodec.mapper().createObjectNode().put("table", row.table()).put("operation", operation);
    }

    private static ObjectNode byKey(Row row, ObjectNode query) {
        ArrayNode filters = query.putArray("filters");
        for (Iterator<Map.Entry<String, JsonNode>> it = JsonCodec.parse(row.key()).fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> part = it.next();
            filters.addObject().put("column", part.getKey()).put("op", "eq").set("value", part.getValue());
        }
        return query;
    }

    @Override
    public void close() {
        fx.close();
    }
}

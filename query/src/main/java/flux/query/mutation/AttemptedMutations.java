package flux.query.mutation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import flux.query.QueryException;
import flux.query.catalog.Column;
import flux.query.catalog.Table;
import flux.query.model.Filter;
import flux.query.model.JsonCodec;
import flux.query.model.Op;
import flux.query.model.Query;
import flux.query.sql.SqlCompiler;
import flux.query.sql.SqlStatement;
import flux.query.sql.Statements;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconstructs what a write whose statement failed tried to do, so it can be recorded as a
 * rolled-back attempt. A failed statement returns nothing, so: an insert's attempt is its input
 * row (row_id from the key columns given, empty when the key was to be generated); an update's
 * or delete's attempts are the rows its filters match now, read in the recording transaction,
 * with the update's data laid over the old image. When even that read fails, one record
 * carries the input (row_id from equality filters on the key, else empty).
 */
public final class AttemptedMutations {
    private static final Logger log = LoggerFactory.getLogger(AttemptedMutations.class);

    private AttemptedMutations() {
    }

    public static List<MutationRecord> of(Connection connection, SqlCompiler compiler, Query query, Table table,
                                          String txid) {
        String op = query.operation().name();
        List<MutationRecord> attempts = new ArrayList<>();
        if (query.operation() == flux.query.model.Operation.INSERT) {
            for (ObjectNode row : query.rows()) {
                attempts.add(new MutationRecord(table.schema(), table.name(), keyFrom(table, row), op, null,
                        JsonCodec.write(row), null, txid));
            }
            return attempts;
        }
        try {
            SqlStatement images = compiler.attemptedImages(query, table);
            try (PreparedStatement ps = connection.prepareStatement(images.text())) {
                Statements.bind(connection, ps, 1, images.params());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        attempts.add(new MutationRecord(table.schema(), table.name(), rs.getString(3), op,
                                rs.getString(1), rs.getString(2), rs.getString(4), txid));
                    }
                }
            }
            return attempts;
        } catch (SQLException | QueryException e) {
            log.debug("cannot read the rows a failed {} targeted: {}", op, e.getMessage());
            String data = query.rows().isEmpty() ? null : JsonCodec.write(query.rows().get(0));
            return List.of(new MutationRecord(table.schema(), table.name(), keyFromFilters(table, query), op, null,
                    query.operation() == flux.query.model.Operation.UPDATE ? data : null, null, txid));
        }
    }

    private static String keyFrom(Table table, ObjectNode row) {
        List<String> parts = new ArrayList<>();
        for (Column k : table.primaryKey()) {
            JsonNode v = row.get(k.name());
            if (v == null || v.isNull() || v.isContainerNode()) {
                return "";
            }
            parts.add(v.isTextual() ? v.textValue() : v.asText());
        }
        return parts.size() == 1 ? parts.get(0) : JsonCodec.write(parts);
    }

    private static String keyFromFilters(Table table, Query query) {
        ObjectNode key = JsonCodec.mapper().createObjectNode();
        for (Filter f : query.filters()) {
            if (f.op() == Op.EQ && f.value().isValueNode()) {
                key.set(f.column(), f.value());
            }
        }
        return keyFrom(table, key);
    }
}

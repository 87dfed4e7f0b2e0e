package flux.query.mutation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import flux.log.Mutation;
import flux.log.Operation;
import flux.log.TxId;
import flux.pg.DatabaseException;
import flux.pg.Transactions;
import flux.query.QueryException;
import flux.query.RequestScope;
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
 *
 * <p>A tenant's rows are re-read as the tenant: in a read-only transaction that starts with the
 * tenant's setting and role, as the tenant's own transaction did. Without them a login role that
 * owns the tables (bound by FORCE ROW LEVEL SECURITY) would see none of the rows.
 */
public final class AttemptedMutations {
    private static final Logger log = LoggerFactory.getLogger(AttemptedMutations.class);

    /**
     * Starts the re-read of a tenant's rows. Every setting is transaction-local, so the rollback
     * that ends the re-read leaves the pooled connection as the login role without a tenant.
     */
    private static final String TENANT_READ = "SELECT set_config('transaction_read_only', 'on', true),"
            + " set_config('flux.tenant_id', ?, true), set_config('role', ?, true)";

    private AttemptedMutations() {
    }

    /**
     * The attempts of {@code query}, whose statement failed; {@code connection} in autocommit,
     * outside any transaction, and left so. {@code scope}: the tenant the request acted for, or
     * null (the rows are then read as the login role).
     */
    public static List<Mutation> of(Connection connection, SqlCompiler compiler, Query query, Table table,
                                    TxId txid, RequestScope scope) {
        Operation op = LoggedOperation.of(query.operation());
        List<Mutation> attempts = new ArrayList<>();
        if (query.operation() == flux.query.model.Operation.INSERT) {
            for (ObjectNode row : query.rows()) {
                attempts.add(new Mutation(table.schema(), table.name(), keyFrom(table, row), op, null,
                        JsonCodec.write(row), null, txid));
            }
            return attempts;
        }
        try {
            SqlStatement images = compiler.attemptedImages(query, table);
            if (scope == null) {
                read(connection, images, table, op, txid, attempts);
            } else {
                readAsTenant(connection, scope, images, table, op, txid, attempts);
            }
            return attempts;
        } catch (SQLException | DatabaseException | QueryException e) {
            log.debug("cannot read the rows a failed {} targeted: {}", op, e.getMessage());
            String data = query.rows().isEmpty() ? null : JsonCodec.write(query.rows().get(0));
            return List.of(new Mutation(table.schema(), table.name(), keyFromFilters(table, query), op, null,
                    query.operation() == flux.query.model.Operation.UPDATE ? data : null, null, txid));
        }
    }

    private static void readAsTenant(Connection connection, RequestScope scope, SqlStatement images, Table table,
                                     Operation op, TxId txid, List<Mutation> attempts) throws SQLException {
        Transactions.rollBackAfter(connection, c -> {
            try (PreparedStatement ps = c.prepareStatement(TENANT_READ)) {
                ps.setString(1, scope.tenantId());
                ps.setString(2, scope.role());
                ps.execute();
            }
            read(c, images, table, op, txid, attempts);
            return null;
        });
    }

    private static void read(Connection connection, SqlStatement images, Table table, Operation op, TxId txid,
                             List<Mutation> attempts) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(images.text())) {
            Statements.bind(connection, ps, 1, images.params());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    attempts.add(new Mutation(table.schema(), table.name(), rs.getString("k"), op,
                            rs.getString("o"), rs.getString("n"), rs.getString("c"), txid));
                }
            }
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

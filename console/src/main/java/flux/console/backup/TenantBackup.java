package flux.console.backup;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import flux.console.BackupFailed;
import flux.log.TenantHistory;
import flux.pg.DatabaseException;
import flux.pg.Identifiers;
import flux.pg.Transactions;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Writes one tenant's backup (docs/tenant-backup.md): a schema tenant's schema (definitions and
 * rows) and its migration ledger, or a row tenant's rows of every tenant table; either way the
 * tenant's history from the mutation log. Everything is read in one repeatable-read, read-only
 * transaction, so the file is one consistent moment. Runs as the login role, with the tenant's
 * setting (a login role that owns the tables is bound by their forced row-level policy).
 */
public final class TenantBackup {
    static final int BATCH = 500;
    private static final String TENANT = "SELECT isolation, schema_name FROM flux.tenants WHERE id = ?";
    private static final String LEDGER_EXISTS = "SELECT to_regclass('flux.tenant_migrations') IS NOT NULL"
            + " AND to_regclass('flux.tenant_repeatable_scripts') IS NOT NULL";

    private final DataSource dataSource;

    public TenantBackup(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** What a backup held. */
    public record Summary(BackupHeader header) {
    }

    public Summary write(String tenantId, OutputStream out, Progress progress) {
        try (Connection c = dataSource.getConnection()) {
            // One snapshot for the whole file; it only reads, so it ends in a rollback.
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            c.setReadOnly(true);
            return Transactions.rollBackAfter(c, x -> {
                try {
                    return write(x, tenantId, out, progress);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw new BackupFailed("cannot write the backup of tenant " + tenantId, e.getCause());
        } catch (SQLException | DatabaseException failure) {
            SQLException e = DatabaseException.sqlCauseOf(failure);
            throw new BackupFailed("cannot back up tenant " + tenantId, e);
        }
    }

    private Summary write(Connection c, String tenantId, OutputStream out, Progress progress)
            throws SQLException, IOException {
        String[] tenant = tenant(c, tenantId);
        String schema = tenant[1];
        TenantSession.tag(c, tenantId, schema);
        List<ObjectNode> definitions = schema == null ? List.of() : SchemaDump.read(c, schema);
        List<String> tables = schema == null ? TenantTables.inDependencyOrder(c)
                : definitions.stream().filter(d -> d.path("type").asText().equals("table"))
                        .map(d -> Identifiers.quote(d.path("name").asText())).toList();
        long rows = 0;
        for (String table : tables) {
            rows += count(c, "SELECT count(*) FROM " + table + (schema == null ? " WHERE tenant_id = ?" : ""),
                    schema == null ? tenantId : null);
        }
        long history = TenantHistory.count(c, tenantId);
        List<ObjectNode> ledger = schema == null ? List.of() : ledger(c, tenantId);
        BackupHeader header = new BackupHeader(tenantId, tenant[0], schema, Instant.now(), serverVersion(c),
                tables.size(), rows, ledger.stream().mapToLong(l -> l.path("rows").size()).sum(), history);
        progress.total(rows + history);
        try (BackupLines.Out lines = new BackupLines.Out(out)) {
            lines.write(header.toJson(BackupLines.JSON.createObjectNode()));
            if (schema == null) {
                ObjectNode names = BackupLines.line("tables");
                tables.forEach(names.putArray("names")::add);
                lines.write(names);
            }
            definitions.forEach(lines::write);
            for (String table : tables) {
                stream(c, lines, "rows", table, "SELECT to_jsonb(t) FROM " + table + " t"
                        + (schema == null ? " WHERE tenant_id = ?" : ""), schema == null ? tenantId : null, progress);
            }
            ledger.forEach(lines::write);
            Batches records = new Batches(lines, "history", null, progress);
            TenantHistory.export(c, tenantId, BATCH, records::add);
            records.flush();
            lines.write(BackupLines.line("end").put("rows", rows).put("history", history));
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return new Summary(header);
    }

    /** {isolation, schema}: a tenant never provisioned is row-level (docs/tenancy.md). */
    static String[] tenant(Connection c, String tenantId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(TENANT)) {
            ps.setString(1, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || rs.getString(1).equals("row")) {
                    return new String[] {"row", null};
                }
                if (rs.getString(2) == null) {
                    throw new BackupFailed("schema tenant " + tenantId + " has no schema on record"
                            + " (flux tenants create " + tenantId + " --mode schema names it)");
                }
                return new String[] {"schema", rs.getString(2)};
            }
        }
    }

    private static void stream(Connection c, BackupLines.Out lines, String type, String table, String sql,
                               String tenantId, Progress progress) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setFetchSize(BATCH);
            if (tenantId != null) {
                ps.setString(1, tenantId);
            }
            Batches batches = new Batches(lines, type, table, progress);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    batches.add(rs.getString(1));
                }
            }
            batches.flush();
        }
    }

    /** JSON texts written {@link #BATCH} to a line of {@code type}. */
    private static final class Batches {
        private final BackupLines.Out lines;
        private final String type;
        private final String table;
        private final Progress progress;
        private final List<String> batch = new ArrayList<>(BATCH);

        Batches(BackupLines.Out lines, String type, String table, Progress progress) {
            this.lines = lines;
            this.type = type;
            this.table = table;
            this.progress = progress;
        }

        void add(String json) {
            batch.add(json);
            if (batch.size() == BATCH) {
                flush();
            }
        }

        void flush() {
            if (!batch.isEmpty()) {
                lines.write(batchLine(type, table, batch));
                progress.advance(batch.size());
                batch.clear();
            }
        }
    }

    private static ObjectNode batchLine(String type, String table, List<String> rows) {
        ObjectNode line = BackupLines.line(type);
        if (table != null) {
            line.put("table", table);
        }
        ArrayNode array = line.putArray("rows");
        for (String row : rows) {
            try {
                array.add(BackupLines.JSON.readTree(row));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return line;
    }

    private static List<ObjectNode> ledger(Connection c, String tenantId) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(LEDGER_EXISTS)) {
            rs.next();
            if (!rs.getBoolean(1)) {
                return List.of();
            }
        }
        List<ObjectNode> lines = new ArrayList<>();
        for (String table : List.of("tenant_migrations", "tenant_repeatable_scripts")) {
            // installed_rank is the ledger's own order: kept as the order of the rows, not as a value.
            List<String> rows = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT to_jsonb(l) - 'installed_rank' - 'tenant_id' FROM flux."
                    + table + " l WHERE tenant_id = ? ORDER BY " + (table.equals("tenant_migrations")
                    ? "installed_rank" : "name"))) {
                ps.setString(1, tenantId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(rs.getString(1));
                    }
                }
            }
            lines.add(batchLine("ledger", table, rows));
        }
        return lines;
    }

    private static long count(Connection c, String sql, String param) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (param != null) {
                ps.setString(1, param);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static String serverVersion(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW server_version")) {
            rs.next();
            return rs.getString(1);
        }
    }
}

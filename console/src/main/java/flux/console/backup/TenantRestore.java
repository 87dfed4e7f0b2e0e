package flux.console.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import flux.console.BackupFailed;
import flux.log.TenantHistory;
import flux.pg.DatabaseException;
import flux.pg.Identifiers;
import flux.pg.Transactions;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;

/**
 * Puts one tenant back as a backup file has it (docs/tenant-backup.md), in one transaction, so a
 * failure leaves the tenant as it was. A schema tenant's schema is emptied and rebuilt from the
 * file, its ledger rows replaced; a row tenant's rows are deleted from every tenant table and the
 * file's inserted. The history the file carries is added to the mutation log where the log does
 * not have it already (a restore into the same database adds nothing twice). Nothing of another
 * tenant is read or written: rows by {@code tenant_id}, a schema by its owner, ledger and
 * history rows by tenant. A file of another tenant is refused unless {@code fromTenant} names
 * that tenant; its rows, records and ledger are then given the target tenant (and schema).
 */
public final class TenantRestore {
    private static final String DROPS = """
            SELECT format('DROP %s IF EXISTS %I.%I CASCADE',
                          CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                                         WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END, n.nspname, c.relname)
              FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = ? AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
             ORDER BY c.relkind = 'S'""";
    private static final String DROP_ENUMS = """
            SELECT format('DROP TYPE IF EXISTS %I.%I CASCADE', n.nspname, t.typname)
              FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = ? AND t.typtype = 'e'""";
    private static final String COLUMNS = """
            SELECT attname FROM pg_attribute WHERE attrelid = ?::regclass AND attnum > 0 AND NOT attisdropped
               AND attgenerated = ''""";
    private static final String SERIALS = """
            SELECT format('%I', a.attname), pg_get_serial_sequence(?, a.attname) FROM pg_attribute a
             WHERE a.attrelid = ?::regclass AND a.attnum > 0 AND NOT a.attisdropped
               AND pg_get_serial_sequence(?, a.attname) IS NOT NULL""";

    private final DataSource dataSource;

    public TenantRestore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** What a restore did: the file's header, and the history records it added (the rest were there). */
    public record Summary(BackupHeader header, long rows, long historyAdded) {
    }

    /**
     * @param fromTenant the tenant the file must be of when it is not {@code tenantId}'s own; null: its own
     * @param fileName   for messages
     */
    public Summary restore(String tenantId, InputStream in, String fileName, String fromTenant, Progress progress) {
        try (BackupLines.In lines = new BackupLines.In(in, fileName); Connection c = dataSource.getConnection()) {
            BackupHeader header = BackupHeader.of(lines.next(), fileName);
            String expected = fromTenant == null ? tenantId : fromTenant;
            if (!header.tenant().equals(expected)) {
                throw new BackupFailed(fileName + " is a backup of tenant " + header.tenant() + ", not " + expected
                        + (fromTenant == null ? "; to restore it into " + tenantId + " say --from-tenant "
                        + header.tenant() : ""));
            }
            String[] target = TenantBackup.tenant(c, tenantId);
            if (!target[0].equals(header.isolation())) {
                throw new BackupFailed(fileName + " holds a " + header.isolation() + "-level tenant; " + tenantId
                        + " is " + target[0] + "-level" + (target[0].equals("row")
                        ? " (create it first: flux tenants create " + tenantId + " --mode schema)" : ""));
            }
            progress.total(header.rows() + header.history());
            return Transactions.call(c, x -> new Run(x, header, tenantId, target[1], progress).apply(lines, fileName));
        } catch (SQLException | DatabaseException failure) {
            SQLException e = DatabaseException.sqlCauseOf(failure);
            throw new BackupFailed("cannot restore tenant " + tenantId + " from " + fileName, e);
        } catch (IOException e) {
            throw new BackupFailed("cannot read " + fileName, e);
        }
    }

    /** One restore's transaction. */
    private static final class Run {
        private final Connection c;
        private final BackupHeader header;
        private final String tenantId;
        private final String schema;
        private final Progress progress;
        private final List<JsonNode> tables = new ArrayList<>();
        private final List<JsonNode> sequences = new ArrayList<>();
        private final Set<String> known = new HashSet<>();
        private long rows;
        private long historyAdded;

        Run(Connection c, BackupHeader header, String tenantId, String schema, Progress progress) {
            this.c = c;
            this.header = header;
            this.tenantId = tenantId;
            this.schema = schema;
            this.progress = progress;
        }

        Summary apply(BackupLines.In lines, String fileName) throws SQLException {
            try (Statement st = c.createStatement()) {
                // A transaction id before any record id, as every writer of the log holds (flux-schema.sql).
                st.execute("SELECT pg_current_xact_id()");
            }
            TenantSession.tag(c, tenantId, schema);
            if (schema != null) {
                emptySchema();
            }
            for (JsonNode line = lines.next(); line != null; line = lines.next()) {
                switch (line.path("type").asText()) {
                    case "tables" -> deleteRows(line.path("names"));
                    case "enum" -> execute(SchemaDump.createEnum(line));
                    case "sequence" -> {
                        execute(SchemaDump.createSequence(line));
                        sequences.add(line);
                    }
                    case "table" -> {
                        execute(SchemaDump.createTable(line));
                        tables.add(line);
                        known.add(Identifiers.quote(line.path("name").asText()));
                    }
                    case "rows" -> insertRows(line.path("table").asText(), (ArrayNode) line.path("rows"));
                    case "ledger" -> replaceLedger(line.path("table").asText(), (ArrayNode) line.path("rows"));
                    case "history" -> insertHistory((ArrayNode) line.path("rows"));
                    case "end" -> {
                        finish();
                        return new Summary(header, rows, historyAdded);
                    }
                    default -> throw new BackupFailed(fileName + " has a line of unknown type \""
                            + line.path("type").asText() + "\"");
                }
            }
            throw new BackupFailed(fileName + " is cut short (no end line): nothing was restored");
        }

        /** A schema tenant's objects go, to be rebuilt from the file; the schema, its grants and defaults stay. */
        private void emptySchema() throws SQLException {
            for (String query : List.of(DROPS, DROP_ENUMS)) {
                List<String> drops = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement(query)) {
                    ps.setString(1, schema);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            drops.add(rs.getString(1));
                        }
                    }
                }
                for (String drop : drops) {
                    execute(drop);
                }
            }
        }

        /** A row tenant's rows go from every tenant table now there, children first. */
        private void deleteRows(JsonNode fileTables) throws SQLException {
            List<String> current = TenantTables.inDependencyOrder(c);
            for (JsonNode t : fileTables) {
                if (!current.contains(t.asText())) {
                    throw new BackupFailed("table " + t.asText() + " of the backup does not exist here"
                            + " (create it, e.g. by migrating, before restoring)");
                }
            }
            for (int i = current.size() - 1; i >= 0; i--) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + current.get(i) + " WHERE tenant_id = ?")) {
                    ps.setString(1, tenantId);
                    ps.executeUpdate();
                }
                known.add(current.get(i));
            }
        }

        private void insertRows(String table, ArrayNode batch) throws SQLException {
            if (!known.contains(table)) {
                throw new BackupFailed("rows of table " + table + " come before its definition in the backup");
            }
            if (schema == null) {
                batch.forEach(row -> ((ObjectNode) row).put("tenant_id", tenantId));
            }
            List<String> columns = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(COLUMNS)) {
                ps.setString(1, table);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (batch.isEmpty() || batch.get(0).has(rs.getString(1))) {
                            columns.add(Identifiers.quote(rs.getString(1)));
                        }
                    }
                }
            }
            String list = String.join(", ", columns);
            // Names: from the file, checked against the catalog above (COLUMNS casts the table to regclass).
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (" + list
                    + ") OVERRIDING SYSTEM VALUE SELECT " + list + " FROM jsonb_populate_recordset(NULL::" + table
                    + ", ?::jsonb)")) {
                ps.setString(1, batch.toString());
                rows += ps.executeUpdate();
            }
            progress.advance(batch.size());
        }

        private void replaceLedger(String table, ArrayNode entries) throws SQLException {
            if (!table.equals("tenant_migrations") && !table.equals("tenant_repeatable_scripts")) {
                throw new BackupFailed("unknown ledger table " + table + " in the backup");
            }
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT to_regclass('flux." + table + "') IS NOT NULL")) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    if (entries.isEmpty()) {
                        return;
                    }
                    throw new BackupFailed("flux." + table + " does not exist here: run flux db migrate --tenant "
                            + tenantId + " once (it creates the ledger), then restore");
                }
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM flux." + table + " WHERE tenant_id = ?")) {
                ps.setString(1, tenantId);
                ps.executeUpdate();
            }
            entries.forEach(e -> ((ObjectNode) e).put("tenant_id", tenantId));
            String columns = table.equals("tenant_migrations")
                    ? "tenant_id, version, name, checksum, applied_at, applied_by, execution_ms, transactional, success, note"
                    : "tenant_id, name, checksum, applied_at, applied_by, execution_ms, run_count";
            // WITH ORDINALITY keeps the file's order, so installed_rank numbers them in it again.
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO flux." + table + " (" + columns + ") SELECT "
                    + columns + " FROM jsonb_populate_recordset(NULL::flux." + table + ", ?::jsonb) WITH ORDINALITY"
                    + " ORDER BY ordinality")) {
                ps.setString(1, entries.toString());
                ps.executeUpdate();
            }
        }

        private void insertHistory(ArrayNode records) throws SQLException {
            historyAdded += TenantHistory.restore(c, tenantId, header.schema(),
                    schema == null ? header.schema() : schema, records.toString());
            progress.advance(records.size());
        }

        /** After the data: foreign keys, indexes, sequences' positions and owners; then capture is told. */
        private void finish() throws SQLException {
            for (JsonNode t : tables) {
                for (String statement : SchemaDump.finishTable(t)) {
                    execute(statement);
                }
            }
            for (JsonNode s : sequences) {
                String name = Identifiers.quote(s.path("name").asText());
                if (!s.path("last_value").isNull()) {
                    execute("SELECT setval(" + SchemaDump.literal(name) + ", " + s.path("last_value").asLong() + ")");
                }
                if (!s.path("owned_by").isNull()) {
                    execute("ALTER SEQUENCE " + name + " OWNED BY " + s.path("owned_by").asText());
                }
            }
            for (String table : known) {
                advanceSequences(table);
            }
            if (schema != null) {
                // New tables join capture's publication and the engine's catalog (as after a migration).
                execute("NOTIFY flux_schema_changed");
            }
        }

        /** Serial and identity sequences move past the restored keys (never back: other tenants share them). */
        private void advanceSequences(String table) throws SQLException {
            List<String[]> serials = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(SERIALS)) {
                ps.setString(1, table);
                ps.setString(2, table);
                ps.setString(3, table);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        serials.add(new String[] {rs.getString(1), rs.getString(2)});
                    }
                }
            }
            for (String[] s : serials) {
                try (PreparedStatement ps = c.prepareStatement("SELECT setval(?::regclass, m) FROM (SELECT max("
                        + s[0] + ")::bigint AS m FROM " + table + ") x"
                        + " WHERE m > coalesce(pg_sequence_last_value(?::regclass), 0)")) {
                    ps.setString(1, s[1]);
                    ps.setString(2, s[1]);
                    ps.execute();
                }
            }
        }

        private void execute(String sql) throws SQLException {
            try (Statement st = c.createStatement()) {
                st.execute(sql);
            }
        }
    }
}

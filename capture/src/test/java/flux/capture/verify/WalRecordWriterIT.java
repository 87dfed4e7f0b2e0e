package flux.capture.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import flux.capture.wal.Operation;
import flux.capture.wal.WalChange;
import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestPostgres;
import flux.log.LogSchema;
import flux.pg.SchemaInstaller;
import flux.tenancy.TenancySchema;
import flux.tenancy.TenantSchemas;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Which tenant the records of raw SQL writes get, written once and read back on a replay. */
@ExtendWith(FluxTestInfra.class)
class WalRecordWriterIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final TestPostgres db;

    WalRecordWriterIT(TestPostgres pg) throws Exception {
        db = pg.newDatabase("wal_record_writer");
        SchemaInstaller.install(db.dataSource(), LogSchema.script(), TenancySchema.script());
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            // A schema tenant as `flux tenants create Rec-Owner --mode schema` leaves it: capture reads its owner.
            TenantSchemas.provision(c, "Rec-Owner");
            st.execute("INSERT INTO flux.tenants (id, isolation, schema_name) VALUES ('Rec-Owner', 'schema', '"
                    + TenantSchemas.schemaOf("Rec-Owner") + "')");
            st.execute("CREATE TABLE t_rec_owner_api.items (id int PRIMARY KEY, tenant_id text, name text)");
            st.execute("CREATE TABLE public.notes (id int PRIMARY KEY, tenant_id text, name text)");
            st.execute("CREATE TABLE public.plain (id int PRIMARY KEY, name text)");
        }
    }

    private static WalChange update(String schema, String table, String rowJson) throws Exception {
        ObjectNode after = (ObjectNode) JSON.readTree(rowJson);
        ObjectNode before = after.deepCopy().put("name", "before");
        ObjectNode key = JSON.createObjectNode().put("id", after.get("id").asInt());
        return new WalChange(schema, table, Operation.UPDATE, key, after.get("id").asText(), before, after, 1L, 2L, 3L, 0L, null);
    }

    @Test
    void theSchemasOwnerComesFirstThenTheRowsTenantThenNone() throws Exception {
        List<WalChange> changes = List.of(
                update("t_rec_owner_api", "items", "{\"id\":1,\"tenant_id\":\"someone-else\",\"name\":\"a\"}"),
                update("public", "notes", "{\"id\":2,\"tenant_id\":\"row-tenant\",\"name\":\"b\"}"),
                update("public", "plain", "{\"id\":3,\"name\":\"c\"}"),
                // a table gone since the change: stored as decoded, still the schema owner's
                update("t_rec_owner_api", "dropped", "{\"id\":4,\"name\":\"d\"}"));
        List<String> expected = Arrays.asList("Rec-Owner", "row-tenant", null, "Rec-Owner");
        WalRecordWriter writer = new WalRecordWriter();
        try (Connection c = db.connect()) {
            WalRecordWriter.Recorded first = writer.write(c, 900_001L, "wal:900001", java.time.Instant.now(), changes);
            assertThat(first.written()).isEqualTo(4);
            assertThat(first.tenants()).isEqualTo(expected);

            WalRecordWriter.Recorded replay = writer.write(c, 900_001L, "wal:900001", java.time.Instant.now(), changes);
            assertThat(replay.written()).isZero();
            assertThat(replay.tenants()).as("a replay publishes the tenants the log has").isEqualTo(expected);
        }
        try (Connection c = db.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT table_name || ':' || coalesce(tenant_id, '-')"
                     + " FROM flux.state_mutations WHERE source = 'wal' ORDER BY id")) {
            StringBuilder log = new StringBuilder();
            while (rs.next()) {
                log.append(rs.getString(1)).append(' ');
            }
            assertThat(log.toString().strip()).isEqualTo("items:Rec-Owner notes:row-tenant plain:- dropped:Rec-Owner");
        }
    }

    @Test
    void aTransactionTheConsoleMarkedIsRecordedAsTheConsolesWithItsRequestIdPlacedAndDatedAlsoOnReplay()
            throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("INSERT INTO flux.console_transactions (txid, request_id, key_id, tenant_id)"
                    + " VALUES ('900002', 'console-request-1', 'k1', 'row-tenant')");
        }
        // A console run: an update, a key change (id 6 -> 7) and a TRUNCATE, placed after records 40, 40, 41.
        ObjectNode keyChanged = (ObjectNode) JSON.readTree("{\"id\":7,\"tenant_id\":\"row-tenant\",\"name\":\"f\"}");
        List<WalChange> changes = List.of(
                placed(update("public", "notes", "{\"id\":5,\"tenant_id\":\"row-tenant\",\"name\":\"e\"}"), 40, null),
                placed(new WalChange("public", "notes", Operation.UPDATE, JSON.createObjectNode().put("id", 7), "7",
                        keyChanged.deepCopy().put("id", 6), keyChanged, 1L, 2L, 3L, 0L, null), 40,
                        JSON.createObjectNode().put("id", 6)),
                new WalChange("public", "plain", Operation.TRUNCATE, JSON.createObjectNode(), "", null, null,
                        1L, 2L, 3L, 41L, null));
        Instant committedAt = Instant.parse("2026-01-02T03:04:05.123456Z");
        WalRecordWriter writer = new WalRecordWriter();
        try (Connection c = db.connect()) {
            WalRecordWriter.Recorded first = writer.write(c, 900_002L, "wal:900002", committedAt, changes);
            assertThat(first.written()).isEqualTo(3);
            assertThat(first.source()).isEqualTo("console");
            assertThat(first.requestId()).isEqualTo("console-request-1");
            assertThat(first.tenants()).containsExactly("row-tenant", "row-tenant", null);
            WalRecordWriter.Recorded replay = writer.write(c, 900_002L, "wal:900002", Instant.now(), changes);
            assertThat(replay.written()).isZero();
            assertThat(replay.source()).isEqualTo("console");
            assertThat(replay.requestId()).isEqualTo("console-request-1");
            assertThat(replay.tenants()).containsExactly("row-tenant", "row-tenant", null);
        }
        try (Connection c = db.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT concat_ws(' ', request_id, source, operation, table_name, row_id,"
                     + " coalesce(old_row_id, '-'), placed_after, coalesce(tenant_id, '-'),"
                     + " created_at = '2026-01-02T03:04:05.123456Z') FROM flux.state_mutations"
                     + " WHERE txid = '900002' ORDER BY id")) {
            StringBuilder log = new StringBuilder();
            while (rs.next()) {
                log.append(rs.getString(1)).append('\n');
            }
            assertThat(log.toString()).isEqualTo("""
                    console-request-1 console UPDATE notes 5 - 40 row-tenant t
                    console-request-1 console UPDATE notes 7 6 40 row-tenant t
                    console-request-1 console TRUNCATE plain  - 41 - t
                    """);
        }
    }

    private static WalChange placed(WalChange c, long placedAfter, ObjectNode oldKey) {
        return new WalChange(c.schema(), c.table(), c.operation(), c.key(), c.rowId(), c.before(), c.after(), c.lsn(),
                c.xid(), c.tsMs(), placedAfter, oldKey);
    }
}

package flux.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(FluxTestInfra.class)
class LogSchemaIT {
    private static final String INSERT = "INSERT INTO flux.state_mutations (request_id, table_schema, table_name,"
            + " row_id, operation, source) VALUES ('r', 'public', 't', '1', 'INSERT', ";
    private final TestPostgres pg;

    LogSchemaIT(TestPostgres pg) {
        this.pg = pg;
    }

    @Test
    void theLogTakesEverySourceItNamesAndDeclaresItsValueChecksNotEnforcedFrom18() throws SQLException {
        TestPostgres db = pg.newDatabase("log_schema_sources");
        LogSchema.install(db.dataSource());
        LogSchema.install(db.dataSource());
        for (Source source : Source.values()) {
            execute(db, INSERT + "'" + source.stored() + "')");
        }
        assertThat(one(db, "SELECT count(*) FROM pg_indexes WHERE tablename = 'state_mutations'")).isEqualTo("8");
        assertThat(one(db, "SELECT string_agg(conname, ',' ORDER BY conname) FROM pg_constraint"
                + " WHERE conrelid = 'flux.state_mutations'::regclass AND contype = 'c'"))
                .isEqualTo("state_mutations_operation_check,state_mutations_source_check,state_mutations_status_check");
        if (Integer.parseInt(one(db, "SHOW server_version_num")) >= 180000) {
            // Declared, not evaluated per write (mutation-log.sql says why): the enums are the guard.
            assertThat(one(db, "SELECT bool_or(conenforced) FROM pg_constraint"
                    + " WHERE conrelid = 'flux.state_mutations'::regclass AND contype = 'c'")).isEqualTo("f");
        } else {
            assertThatThrownBy(() -> execute(db, INSERT + "'cron')")).hasMessageContaining("state_mutations_source_check");
        }
    }

    @Test
    void aRestoredHistoryWithAValueNoFluxLogHasIsRefusedWhole() throws SQLException {
        TestPostgres db = pg.newDatabase("log_schema_restore_values");
        LogSchema.install(db.dataSource());
        String good = "{\"request_id\": \"r1\", \"table_schema\": \"s\", \"table_name\": \"t\", \"row_id\": \"1\","
                + " \"operation\": \"INSERT\", \"status\": \"committed\", \"source\": \"api\", \"created_at\": \"2026-01-01T00:00:00Z\"}";
        String bad = good.replace("\"r1\"", "\"r2\"").replace("\"api\"", "\"cron\"");
        try (Connection c = db.connect()) {
            assertThatThrownBy(() -> TenantHistory.restore(c, "t1", "s", "s", "[" + good + ", " + bad + "]"))
                    .hasMessageContaining("source \"cron\"").hasMessageContaining("not a record of a Flux log");
            assertThat(TenantHistory.restore(c, "t1", "s", "s", "[" + good + "]")).isEqualTo(1);
        }
        assertThat(one(db, "SELECT string_agg(request_id, ',') FROM flux.state_mutations")).isEqualTo("r1");
    }

    @Test
    void aLogFromBeforeConsoleAndSnapshotIsWidenedOnceWithoutRescanningIt() throws SQLException {
        TestPostgres db = pg.newDatabase("log_schema_widened");
        execute(db, "CREATE SCHEMA flux; CREATE TABLE flux.state_mutations ("
                + " id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, request_id text NOT NULL, txid xid8,"
                + " table_schema text NOT NULL, table_name text NOT NULL, row_id text NOT NULL,"
                + " operation text NOT NULL CHECK (operation IN ('INSERT', 'UPDATE', 'DELETE')), old jsonb, new jsonb,"
                + " changed_columns text[], status text NOT NULL DEFAULT 'committed'"
                + " CHECK (status IN ('committed', 'rolled_back')), error text, tenant_id text,"
                + " source text NOT NULL DEFAULT 'api' CHECK (source IN ('api', 'wal')),"
                + " created_at timestamptz NOT NULL DEFAULT clock_timestamp())");
        execute(db, INSERT + "'wal')");

        LogSchema.install(db.dataSource());
        execute(db, INSERT + "'snapshot')");
        String widened = one(db, "SELECT xmin::text FROM pg_constraint WHERE conname = 'state_mutations_source_check'");
        LogSchema.install(db.dataSource());

        assertThat(one(db, "SELECT xmin::text FROM pg_constraint WHERE conname = 'state_mutations_source_check'"))
                .as("a second install leaves the constraint alone").isEqualTo(widened);
        assertThat(one(db, "SELECT convalidated FROM pg_constraint WHERE conname = 'state_mutations_source_check'"))
                .isEqualTo("f");
        assertThat(one(db, "SELECT count(*) FROM flux.state_mutations")).isEqualTo("2");
    }

    @Test
    void aLogFromBeforeCommitOrderGetsItsColumnsAndIndexesAndTakesTruncatesAndLosesTheConsolesIndex() throws SQLException {
        TestPostgres db = pg.newDatabase("log_schema_commit_order");
        execute(db, "CREATE SCHEMA flux; CREATE TABLE flux.state_mutations ("
                + " id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, request_id text NOT NULL, txid xid8,"
                + " table_schema text NOT NULL, table_name text NOT NULL, row_id text NOT NULL,"
                + " operation text NOT NULL CHECK (operation IN ('INSERT', 'UPDATE', 'DELETE')), old jsonb, new jsonb,"
                + " changed_columns text[], status text NOT NULL DEFAULT 'committed', error text, tenant_id text,"
                + " source text NOT NULL DEFAULT 'api', created_at timestamptz NOT NULL DEFAULT clock_timestamp());"
                + " CREATE INDEX state_mutations_row_idx ON flux.state_mutations (table_schema, table_name, row_id, id);"
                + " CREATE INDEX state_mutations_request_idx ON flux.state_mutations (request_id);"
                + " CREATE INDEX state_mutations_request_prefix_idx ON flux.state_mutations (request_id text_pattern_ops);"
                + " CREATE INDEX state_mutations_console_txid_idx ON flux.state_mutations (txid) WHERE source = 'console'");

        LogSchema.install(db.dataSource());
        execute(db, "INSERT INTO flux.state_mutations (request_id, table_schema, table_name, row_id, operation,"
                + " placed_after, old_row_id) VALUES ('r', 'public', 't', '', 'TRUNCATE', 7, NULL)");

        assertThat(one(db, "SELECT string_agg(indexname, ',' ORDER BY indexname) FROM pg_indexes"
                + " WHERE tablename = 'state_mutations'")).isEqualTo("state_mutations_key_change_idx,"
                + "state_mutations_pkey,state_mutations_placed_idx,state_mutations_request_order_idx,"
                + "state_mutations_row_order_idx,state_mutations_row_time_idx,state_mutations_truncate_idx,"
                + "state_mutations_wal_txid_idx");
    }

    private static void execute(TestPostgres db, String sql) throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static String one(TestPostgres db, String sql) throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}

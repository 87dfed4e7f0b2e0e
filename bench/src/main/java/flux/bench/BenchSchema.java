package flux.bench;

/** The benchmark's tables: one per way of writing, same shape, so each cell starts alike. */
final class BenchSchema {
    static final String DDL = """
            CREATE TABLE bench_raw (id bigint PRIMARY KEY, name text NOT NULL, amount numeric(12,2) NOT NULL,
                                    updated_at timestamptz NOT NULL DEFAULT now());
            CREATE TABLE bench_audit (LIKE bench_raw INCLUDING ALL);
            CREATE TABLE bench_engine (LIKE bench_raw INCLUDING ALL);

            -- (b) the classic audit trigger: every row change copied to a log table by the database
            CREATE TABLE audit_log (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, table_name text NOT NULL,
                                    operation text NOT NULL, old jsonb, new jsonb,
                                    txid bigint NOT NULL DEFAULT txid_current(),
                                    changed_at timestamptz NOT NULL DEFAULT now());
            CREATE FUNCTION audit_row() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO audit_log (table_name, operation, old, new)
                VALUES (TG_TABLE_NAME, TG_OP,
                        CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END,
                        CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END);
                RETURN NULL;
            END $$;
            CREATE TRIGGER bench_audit_log AFTER INSERT OR UPDATE OR DELETE ON bench_audit
                FOR EACH ROW EXECUTE FUNCTION audit_row();

            -- (w) the audit trigger as the PostgreSQL wiki publishes it ("Audit trigger 91plus"), in
            -- its jsonb form: who, when (transaction, statement, clock), the client and its query
            -- text, the old row and the changed fields, and the wiki's three indexes. An update
            -- that changes nothing is not logged.
            CREATE TABLE bench_wiki (LIKE bench_raw INCLUDING ALL);
            CREATE SCHEMA audit;
            CREATE TABLE audit.logged_actions (
                event_id bigserial PRIMARY KEY, schema_name text NOT NULL, table_name text NOT NULL,
                relid oid NOT NULL, session_user_name text, action_tstamp_tx timestamptz NOT NULL,
                action_tstamp_stm timestamptz NOT NULL, action_tstamp_clk timestamptz NOT NULL,
                transaction_id bigint, application_name text, client_addr inet, client_port integer,
                client_query text, action text NOT NULL CHECK (action IN ('I', 'D', 'U', 'T')),
                row_data jsonb, changed_fields jsonb, statement_only boolean NOT NULL);
            CREATE INDEX logged_actions_relid_idx ON audit.logged_actions (relid);
            CREATE INDEX logged_actions_action_tstamp_tx_stm_idx ON audit.logged_actions (action_tstamp_stm);
            CREATE INDEX logged_actions_action_idx ON audit.logged_actions (action);
            CREATE FUNCTION audit.if_modified_func() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
                SET search_path = pg_catalog, public AS $$
            DECLARE
                old_row jsonb;
                changed jsonb;
            BEGIN
                IF TG_OP = 'UPDATE' THEN
                    old_row := to_jsonb(OLD);
                    SELECT jsonb_object_agg(n.key, n.value) INTO changed
                    FROM jsonb_each(to_jsonb(NEW)) AS n WHERE old_row -> n.key IS DISTINCT FROM n.value;
                    IF changed IS NULL THEN
                        RETURN NULL;
                    END IF;
                ELSIF TG_OP = 'DELETE' THEN
                    old_row := to_jsonb(OLD);
                ELSE
                    old_row := to_jsonb(NEW);
                END IF;
                INSERT INTO audit.logged_actions VALUES (
                    nextval('audit.logged_actions_event_id_seq'), TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_RELID,
                    session_user, current_timestamp, statement_timestamp(), clock_timestamp(), txid_current(),
                    current_setting('application_name'), inet_client_addr(), inet_client_port(), current_query(),
                    substring(TG_OP, 1, 1), old_row, changed, false);
                RETURN NULL;
            END $$;
            CREATE TRIGGER bench_wiki_audit AFTER INSERT OR UPDATE OR DELETE ON bench_wiki
                FOR EACH ROW EXECUTE FUNCTION audit.if_modified_func();
            """;

    static final String RESET = "TRUNCATE bench_raw, bench_audit, bench_wiki, bench_engine, audit_log, audit.logged_actions,"
            + " flux.state_mutations";

    /** Rows each client updates in an update cell: its own range, so clients do not queue on row locks. */
    static final int ROWS_PER_CLIENT = 1000;

    private BenchSchema() {
    }

    static String preload(String table, int clients) {
        return "INSERT INTO " + table + " (id, name, amount) SELECT g, 'row ' || g, 0 FROM generate_series(1, "
                + (clients * ROWS_PER_CLIENT) + ") g";
    }

    /** Separate from {@link #preload}: VACUUM cannot run inside the implicit transaction of a multi-statement. */
    static String vacuum(String table) {
        return "VACUUM ANALYZE " + table;
    }
}

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

            -- (s) Supabase's supa_audit (0.2.3, the last release that accepts any primary key type;
            -- 0.3 requires uuid keys): one record_version row per row change with a stable record
            -- id, a v5 uuid of the table's oid and its key values, so a row's versions are one index
            -- lookup; jsonb images; its four indexes. Rewritten here from its published definition:
            -- same table, indexes, record ids and BEFORE row trigger.
            CREATE EXTENSION IF NOT EXISTS "uuid-ossp";
            CREATE TABLE bench_supa (LIKE bench_raw INCLUDING ALL);
            CREATE TYPE audit.operation AS ENUM ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE');
            CREATE TABLE audit.record_version (
                id bigserial PRIMARY KEY, record_id uuid, old_record_id uuid, op audit.operation NOT NULL,
                ts timestamptz NOT NULL DEFAULT now(), table_oid oid NOT NULL, table_schema name NOT NULL,
                table_name name NOT NULL, record jsonb, old_record jsonb,
                CHECK (coalesce(record_id, old_record_id) IS NOT NULL OR op = 'TRUNCATE'),
                CHECK (op IN ('INSERT', 'UPDATE') = (record_id IS NOT NULL)),
                CHECK (op IN ('INSERT', 'UPDATE') = (record IS NOT NULL)),
                CHECK (op IN ('UPDATE', 'DELETE') = (old_record_id IS NOT NULL)),
                CHECK (op IN ('UPDATE', 'DELETE') = (old_record IS NOT NULL)));
            CREATE INDEX record_version_record_id ON audit.record_version (record_id) WHERE record_id IS NOT NULL;
            CREATE INDEX record_version_old_record_id ON audit.record_version (old_record_id) WHERE old_record_id IS NOT NULL;
            CREATE INDEX record_version_ts ON audit.record_version USING brin (ts);
            CREATE INDEX record_version_table_oid ON audit.record_version (table_oid);
            CREATE FUNCTION audit.primary_key_columns(entity_oid oid) RETURNS text[] STABLE SECURITY DEFINER
                LANGUAGE sql AS $$
                SELECT coalesce(array_agg(a.attname::text ORDER BY a.attnum), array[]::text[])
                FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = any(i.indkey)
                WHERE i.indrelid = $1 AND i.indisprimary
            $$;
            CREATE FUNCTION audit.to_record_id(entity_oid oid, pkey_cols text[], rec jsonb) RETURNS uuid STABLE
                LANGUAGE sql AS $$
                SELECT CASE
                    WHEN rec IS NULL THEN NULL
                    WHEN pkey_cols = array[]::text[] THEN uuid_generate_v4()
                    ELSE (SELECT uuid_generate_v5('fd62bc3d-8d6e-43c2-919c-802ba3762271',
                                                  (jsonb_build_array(to_jsonb($1)) || jsonb_agg($3 ->> k))::text)
                          FROM unnest($2) AS u(k))
                END
            $$;
            CREATE FUNCTION audit.insert_update_delete_trigger() RETURNS trigger SECURITY DEFINER LANGUAGE plpgsql AS $$
            DECLARE
                pkey_cols text[] = audit.primary_key_columns(TG_RELID);
                record_jsonb jsonb = to_jsonb(new);
                record_id uuid = audit.to_record_id(TG_RELID, pkey_cols, record_jsonb);
                old_record_jsonb jsonb = to_jsonb(old);
                old_record_id uuid = audit.to_record_id(TG_RELID, pkey_cols, old_record_jsonb);
            BEGIN
                INSERT INTO audit.record_version (record_id, old_record_id, op, table_oid, table_schema, table_name,
                                                  record, old_record)
                SELECT record_id, old_record_id, TG_OP::audit.operation, TG_RELID, TG_TABLE_SCHEMA, TG_TABLE_NAME,
                       record_jsonb, old_record_jsonb;
                RETURN coalesce(new, old);
            END $$;
            CREATE TRIGGER audit_i_u_d BEFORE INSERT OR UPDATE OR DELETE ON bench_supa
                FOR EACH ROW EXECUTE FUNCTION audit.insert_update_delete_trigger();
            """;

    static final String RESET = "TRUNCATE bench_raw, bench_audit, bench_wiki, bench_supa, bench_engine, audit_log,"
            + " audit.logged_actions, audit.record_version, flux.state_mutations";

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

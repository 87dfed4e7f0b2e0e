package flux.app.bench;

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
            """;

    static final String RESET = "TRUNCATE bench_raw, bench_audit, bench_engine, audit_log, flux.state_mutations";

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

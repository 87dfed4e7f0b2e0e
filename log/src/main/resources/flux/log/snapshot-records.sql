-- Snapshot records: when a table joins capture's publication after it was written (created by psql
-- and written before capture noticed it, or created while capture was down), the rows the WAL will
-- never show are recorded in the mutation log with source 'snapshot', so history and Kafka are
-- complete from the join on. Owned by the log module (flux.log.SnapshotRecords); idempotent, applied
-- on every start after mutation-log.sql, schema-journal.sql and tenancy's script (it reads
-- flux.tenants, as capture's wal records do).
--
-- Called by capture inside the transaction that adds the table to the publication, which holds the
-- table in SHARE mode (no writer runs): the table's rows are compared with the log's last committed
-- image of each row, and only what differs is recorded: a row the log does not have (INSERT), one
-- whose values differ (UPDATE, old = the log's image), one the log has but the table no longer
-- does (DELETE). API writes made before the join are in the log already and are not recorded again.
-- Returns how many records it wrote.
CREATE OR REPLACE FUNCTION flux.record_snapshot(joining oid) RETURNS integer LANGUAGE plpgsql AS $fn$
DECLARE
    t record;
    row_id text;
    since timestamptz;
    written integer;
BEGIN
    SELECT u.table_schema, u.table_name, u.key_columns INTO t FROM flux.user_tables u WHERE u.table_oid = joining;
    IF NOT FOUND OR cardinality(t.key_columns) = 0 THEN
        RETURN 0; -- gone, or without a key: no row_id to record rows under
    END IF;
    -- row_id as docs/contracts.md defines it (the engine's compiler writes the same, SqlCompiler.key)
    IF cardinality(t.key_columns) = 1 THEN
        row_id := format('CAST(r.%I AS text)', t.key_columns[1]);
    ELSE
        SELECT 'array_to_json(ARRAY[' || string_agg(format('CAST(r.%I AS text)', k.name), ', ' ORDER BY k.ord) || '])::text'
          INTO row_id FROM unnest(t.key_columns) WITH ORDINALITY AS k(name, ord);
    END IF;
    -- The log is keyed by name: records from before the name designated this table (another table
    -- of that name, dropped or renamed away since) are not this table's rows.
    SELECT max(c.created_at) INTO since FROM flux.schema_changes c
     WHERE c.table_oid <> joining
       AND ((c.change = 'drop_table' AND c.table_schema = t.table_schema AND c.table_name = t.table_name)
         OR (c.change = 'rename_table' AND c.old_table_schema = t.table_schema AND c.old_table_name = t.table_name));
    -- A transaction id before the first record id: the blame folder relies on it (mutation-log.sql).
    PERFORM pg_current_xact_id();
    EXECUTE format($q$
        WITH now AS (SELECT %s AS k, to_jsonb(r.*) AS n FROM %I.%I r),
        last AS (
            SELECT DISTINCT ON (m.row_id) m.row_id, m.operation, m.new
              FROM flux.state_mutations m
             WHERE m.table_schema = $1 AND m.table_name = $2 AND m.status = 'committed' AND m.created_at > $3
             ORDER BY m.row_id, m.id DESC),
        differing (k, op, o, n) AS (
            SELECT now.k, CASE WHEN last.row_id IS NULL OR last.operation = 'DELETE' THEN 'INSERT' ELSE 'UPDATE' END,
                   CASE WHEN last.operation <> 'DELETE' THEN last.new END, now.n
              FROM now LEFT JOIN last ON last.row_id = now.k
             WHERE last.row_id IS NULL OR last.operation = 'DELETE'
                -- columns both images have: a column added or dropped since the log's image is no write
                OR EXISTS (SELECT 1 FROM jsonb_each(now.n) e
                            WHERE last.new ? e.key AND (last.new -> e.key) IS DISTINCT FROM e.value)
            UNION ALL
            SELECT last.row_id, 'DELETE', last.new, NULL::jsonb
              FROM last
             WHERE last.operation <> 'DELETE' AND NOT EXISTS (SELECT 1 FROM now WHERE now.k = last.row_id))
        INSERT INTO flux.state_mutations (request_id, txid, table_schema, table_name, row_id, operation, old, new,
                                          changed_columns, source, tenant_id)
        SELECT 'snapshot:' || pg_current_xact_id(), pg_current_xact_id(), $1, $2, d.k, d.op, d.o, d.n,
               CASE WHEN d.op = 'UPDATE' THEN ARRAY(
                   SELECT a.attname::text FROM pg_catalog.pg_attribute a
                    WHERE a.attrelid = $4 AND a.attnum > 0 AND NOT a.attisdropped
                      AND (d.o -> a.attname::text) IS DISTINCT FROM (d.n -> a.attname::text)
                    ORDER BY a.attnum) END,
               'snapshot', coalesce(owner.id, coalesce(d.n, d.o) ->> 'tenant_id')
          FROM differing d
          LEFT JOIN flux.tenants owner ON owner.schema_name = $1
         ORDER BY d.k
        $q$, row_id, t.table_schema, t.table_name)
        USING t.table_schema, t.table_name, coalesce(since, '-infinity'::timestamptz), joining;
    GET DIAGNOSTICS written = ROW_COUNT;
    RETURN written;
END
$fn$;

-- The schema journal: every change to the shape of a user table (created, dropped, renamed; columns
-- added, dropped, renamed, retyped; primary key changed), whoever made it (Flux's migrations, another
-- migration tool, psql). Owned by the log module (flux.log.SchemaJournal); idempotent, applied on
-- every start, after the mutation log's script. Stored data depends on these names: history reads the
-- journal to follow renames, capture publishes it on Kafka topic flux.schema_changes
-- (docs/contracts.md).
--
-- How changes are found: flux.schema_tables and flux.schema_columns hold the shape of every user
-- table as last recorded, by table oid and column attnum, which PostgreSQL keeps across RENAME TABLE
-- and RENAME COLUMN; flux.record_schema_changes compares pg_catalog with them, journals each
-- difference and brings them up to date, in one statement. Whoever calls it: capture's event
-- trigger (inside the DDL's own transaction, where a superuser could install it), Flux's migrator
-- (inside the migration's transaction), and the detector that polls the catalog (after the fact).
CREATE SCHEMA IF NOT EXISTS flux;

-- User tables: ordinary and partitioned tables (partitions publish through their root) outside
-- the system schemas and Flux's own, with their primary key (empty when none). Capture tracks those
-- with a key that are logged; the engine's catalog hides the same schemas.
CREATE OR REPLACE VIEW flux.user_tables AS
SELECT c.oid AS table_oid, n.nspname::text AS table_schema, c.relname::text AS table_name,
       coalesce(k.names, '{}'::text[]) AS key_columns, coalesce(k.attnums, '{}'::int2[]) AS key_attnums,
       c.relpersistence = 'p' AS logged, c.relreplident AS replica_identity
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN LATERAL (
       SELECT array_agg(a.attname::text ORDER BY k.ord) AS names, array_agg(k.attnum ORDER BY k.ord) AS attnums
         FROM pg_catalog.pg_index i
        CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
         JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
        WHERE i.indrelid = c.oid AND i.indisprimary) k ON true
 WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
   AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'flux')
   AND n.nspname NOT LIKE 'pg\_%';

-- The shape of each user table as last journaled.
CREATE TABLE IF NOT EXISTS flux.schema_tables (
    table_oid    oid    PRIMARY KEY,
    table_schema text   NOT NULL,
    table_name   text   NOT NULL,
    key_columns  text[] NOT NULL,   -- primary key columns in key order, '{}' without one
    key_attnums  int2[] NOT NULL    -- the same by attnum: a renamed key column is not a new key
);
CREATE TABLE IF NOT EXISTS flux.schema_columns (
    table_oid   oid  NOT NULL,
    attnum      int2 NOT NULL,
    column_name text NOT NULL,
    column_type text NOT NULL,      -- format_type(atttypid, atttypmod): character varying(20)
    PRIMARY KEY (table_oid, attnum)
);

-- One row per change. table_* name the table after the change (before it, for drop_table);
-- columns and key_columns are its shape after the change (before it, for drop_table).
CREATE TABLE IF NOT EXISTS flux.schema_changes (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,  -- journal order
    txid               xid8        NOT NULL DEFAULT pg_current_xact_id(), -- the recording transaction
    change             text        NOT NULL CHECK (change IN ('create_table', 'drop_table', 'rename_table',
                                       'add_column', 'drop_column', 'rename_column', 'alter_column_type',
                                       'alter_primary_key')),
    table_oid          oid         NOT NULL,
    table_schema       text        NOT NULL,
    table_name         text        NOT NULL,
    old_table_schema   text,                   -- rename_table
    old_table_name     text,
    column_name        text,                   -- the column's name after the change (before, for drop_column)
    old_column_name    text,                   -- rename_column
    column_type        text,
    old_column_type    text,                   -- alter_column_type
    value_for_existing jsonb,                  -- add_column: the value rows that existed got (JSON null: NULL);
                                               -- SQL NULL when each row got its own (a volatile default)
    columns            jsonb       NOT NULL,   -- [{"name": "id", "type": "bigint"}, ...] in table order
    key_columns        text[]      NOT NULL,
    migration          text,                   -- the flux.migration setting: the migration that made it
    detected_by        text        NOT NULL CHECK (detected_by IN ('event_trigger', 'migration', 'detector')),
    command            text,                   -- the DDL command's tag, when the event trigger saw it
    role               text,                   -- the session's login role, when recorded inside the DDL's transaction
    created_at         timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX IF NOT EXISTS schema_changes_table_idx ON flux.schema_changes (table_oid, id);
CREATE INDEX IF NOT EXISTS schema_changes_name_idx ON flux.schema_changes (table_schema, table_name, id);

-- Journals the differences between pg_catalog and the recorded shapes, of the tables in scope (null:
-- all), and records the new shapes; returns the journal rows it wrote, in journal order. One
-- statement, so pg_catalog and the recorded shapes are read in one snapshot. Only what differs in
-- that snapshot is written, so a call that finds nothing writes nothing (no WAL, no transaction id),
-- and a detector whose snapshot predates another recorder's committed change writes none of its
-- stale shape back (it used to upsert every table and column it saw: a column another recorder
-- had just journaled as dropped came back, and the table's next change journaled it dropped again). Called with a scope by the event trigger (the tables its command touched, which
-- the DDL's transaction has locked), without one by the migrator and the detector (the detector
-- runs it in a REPEATABLE READ transaction: a concurrent DDL transaction that records the same
-- table makes one of them fail and retry, rather than both journal it).
CREATE OR REPLACE FUNCTION flux.record_schema_changes(scope_oids oid[], recorder text, command_tag text DEFAULT NULL)
RETURNS SETOF flux.schema_changes LANGUAGE sql AS $fn$
WITH now_tables AS (
    SELECT u.table_oid, u.table_schema, u.table_name, u.key_columns, u.key_attnums
      FROM flux.user_tables u
     WHERE scope_oids IS NULL OR u.table_oid = ANY (scope_oids)),
now_columns AS (
    SELECT a.attrelid AS table_oid, a.attnum, a.attname::text AS column_name,
           format_type(a.atttypid, a.atttypmod) AS column_type,
           -- ADD COLUMN with a constant default stores the value existing rows read (attmissingval);
           -- without a default they read NULL; a volatile default rewrote each row with its own value
           CASE WHEN a.atthasmissing THEN (array_to_json(a.attmissingval) -> 0)::jsonb
                WHEN NOT a.atthasdef THEN 'null'::jsonb END AS value_for_existing
      FROM pg_catalog.pg_attribute a
      JOIN now_tables t ON t.table_oid = a.attrelid
     WHERE a.attnum > 0 AND NOT a.attisdropped),
was_tables AS (
    SELECT s.* FROM flux.schema_tables s WHERE scope_oids IS NULL OR s.table_oid = ANY (scope_oids)),
was_columns AS (
    SELECT s.* FROM flux.schema_columns s JOIN was_tables w ON w.table_oid = s.table_oid),
now_shapes AS (
    SELECT table_oid, jsonb_agg(jsonb_build_object('name', column_name, 'type', column_type) ORDER BY attnum) AS columns
      FROM now_columns GROUP BY table_oid),
was_shapes AS (
    SELECT table_oid, jsonb_agg(jsonb_build_object('name', column_name, 'type', column_type) ORDER BY attnum) AS columns
      FROM was_columns GROUP BY table_oid),
found (rank, table_oid, attnum, change, column_name, old_column_name, column_type, old_column_type,
       value_for_existing) AS (
    SELECT 1, t.table_oid, 0::int2, 'create_table', NULL, NULL, NULL, NULL, NULL::jsonb
      FROM now_tables t WHERE NOT EXISTS (SELECT 1 FROM was_tables w WHERE w.table_oid = t.table_oid)
    UNION ALL
    SELECT 2, t.table_oid, 0::int2, 'rename_table', NULL, NULL, NULL, NULL, NULL
      FROM now_tables t JOIN was_tables w ON w.table_oid = t.table_oid
     WHERE (t.table_schema, t.table_name) IS DISTINCT FROM (w.table_schema, w.table_name)
    UNION ALL
    SELECT 3, c.table_oid, c.attnum, 'rename_column', c.column_name, w.column_name, c.column_type, NULL, NULL
      FROM now_columns c JOIN was_columns w ON w.table_oid = c.table_oid AND w.attnum = c.attnum
     WHERE c.column_name <> w.column_name
    UNION ALL
    SELECT 4, c.table_oid, c.attnum, 'alter_column_type', c.column_name, NULL, c.column_type, w.column_type, NULL
      FROM now_columns c JOIN was_columns w ON w.table_oid = c.table_oid AND w.attnum = c.attnum
     WHERE c.column_type <> w.column_type
    UNION ALL
    SELECT 5, w.table_oid, w.attnum, 'drop_column', w.column_name, NULL, w.column_type, NULL, NULL
      FROM was_columns w JOIN now_tables t ON t.table_oid = w.table_oid
     WHERE NOT EXISTS (SELECT 1 FROM now_columns c WHERE c.table_oid = w.table_oid AND c.attnum = w.attnum)
    UNION ALL
    SELECT 6, c.table_oid, c.attnum, 'add_column', c.column_name, NULL, c.column_type, NULL, c.value_for_existing
      FROM now_columns c JOIN was_tables w ON w.table_oid = c.table_oid
     WHERE NOT EXISTS (SELECT 1 FROM was_columns x WHERE x.table_oid = c.table_oid AND x.attnum = c.attnum)
    UNION ALL
    SELECT 7, t.table_oid, 0::int2, 'alter_primary_key', NULL, NULL, NULL, NULL, NULL
      FROM now_tables t JOIN was_tables w ON w.table_oid = t.table_oid
     WHERE t.key_attnums IS DISTINCT FROM w.key_attnums
    UNION ALL
    SELECT 8, w.table_oid, 0::int2, 'drop_table', NULL, NULL, NULL, NULL, NULL
      FROM was_tables w WHERE NOT EXISTS (SELECT 1 FROM now_tables t WHERE t.table_oid = w.table_oid)),
journaled AS (
    INSERT INTO flux.schema_changes (change, table_oid, table_schema, table_name, old_table_schema, old_table_name,
                                     column_name, old_column_name, column_type, old_column_type, value_for_existing,
                                     columns, key_columns, migration, detected_by, command, role)
    SELECT f.change, f.table_oid, coalesce(t.table_schema, w.table_schema), coalesce(t.table_name, w.table_name),
           CASE WHEN f.change = 'rename_table' THEN w.table_schema END,
           CASE WHEN f.change = 'rename_table' THEN w.table_name END,
           f.column_name, f.old_column_name, f.column_type, f.old_column_type, f.value_for_existing,
           coalesce(CASE WHEN f.change = 'drop_table' THEN ws.columns ELSE ns.columns END, '[]'::jsonb),
           coalesce(t.key_columns, w.key_columns),
           NULLIF(current_setting('flux.migration', true), ''), recorder, command_tag,
           CASE WHEN recorder <> 'detector' THEN session_user::text END
      FROM found f
      LEFT JOIN now_tables t ON t.table_oid = f.table_oid
      LEFT JOIN was_tables w ON w.table_oid = f.table_oid
      LEFT JOIN now_shapes ns ON ns.table_oid = f.table_oid
      LEFT JOIN was_shapes ws ON ws.table_oid = f.table_oid
     ORDER BY coalesce(t.table_schema, w.table_schema), coalesce(t.table_name, w.table_name), f.rank, f.attnum
    RETURNING *),
tables_dropped AS (
    DELETE FROM flux.schema_tables s
     WHERE s.table_oid IN (SELECT w.table_oid FROM was_tables w
                            WHERE NOT EXISTS (SELECT 1 FROM now_tables t WHERE t.table_oid = w.table_oid))),
tables_kept AS (
    INSERT INTO flux.schema_tables AS s (table_oid, table_schema, table_name, key_columns, key_attnums)
    SELECT t.table_oid, t.table_schema, t.table_name, t.key_columns, t.key_attnums FROM now_tables t
     WHERE NOT EXISTS (SELECT 1 FROM was_tables w WHERE w.table_oid = t.table_oid
                          AND (w.table_schema, w.table_name, w.key_columns, w.key_attnums)
                              IS NOT DISTINCT FROM (t.table_schema, t.table_name, t.key_columns, t.key_attnums))
        ON CONFLICT (table_oid) DO UPDATE
       SET table_schema = excluded.table_schema, table_name = excluded.table_name,
           key_columns = excluded.key_columns, key_attnums = excluded.key_attnums
     WHERE (s.table_schema, s.table_name, s.key_columns, s.key_attnums)
           IS DISTINCT FROM (excluded.table_schema, excluded.table_name, excluded.key_columns, excluded.key_attnums)),
columns_dropped AS (
    DELETE FROM flux.schema_columns s
     WHERE (s.table_oid, s.attnum) IN (SELECT w.table_oid, w.attnum FROM was_columns w
                                        WHERE NOT EXISTS (SELECT 1 FROM now_columns c
                                                           WHERE c.table_oid = w.table_oid AND c.attnum = w.attnum))),
columns_kept AS (
    INSERT INTO flux.schema_columns AS s (table_oid, attnum, column_name, column_type)
    SELECT c.table_oid, c.attnum, c.column_name, c.column_type FROM now_columns c
     WHERE NOT EXISTS (SELECT 1 FROM was_columns w WHERE w.table_oid = c.table_oid AND w.attnum = c.attnum
                          AND w.column_name = c.column_name AND w.column_type = c.column_type)
        ON CONFLICT (table_oid, attnum) DO UPDATE
       SET column_name = excluded.column_name, column_type = excluded.column_type
     WHERE (s.column_name, s.column_type) IS DISTINCT FROM (excluded.column_name, excluded.column_type))
SELECT * FROM journaled ORDER BY id
$fn$;

-- The first install records the shapes the tables have without journaling them (they were not made
-- while Flux watched). Later installs leave the recorded shapes alone: what changed while Flux was
-- not running is journaled by the next call of flux.record_schema_changes, as a change.
CREATE TABLE IF NOT EXISTS flux.schema_journal_baseline (
    singleton boolean     PRIMARY KEY DEFAULT true CHECK (singleton),
    taken_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM flux.schema_journal_baseline) THEN
        INSERT INTO flux.schema_tables (table_oid, table_schema, table_name, key_columns, key_attnums)
        SELECT table_oid, table_schema, table_name, key_columns, key_attnums FROM flux.user_tables
            ON CONFLICT DO NOTHING;
        INSERT INTO flux.schema_columns (table_oid, attnum, column_name, column_type)
        SELECT a.attrelid, a.attnum, a.attname, format_type(a.atttypid, a.atttypmod)
          FROM pg_catalog.pg_attribute a JOIN flux.user_tables u ON u.table_oid = a.attrelid
         WHERE a.attnum > 0 AND NOT a.attisdropped
            ON CONFLICT DO NOTHING;
        INSERT INTO flux.schema_journal_baseline DEFAULT VALUES;
    END IF;
END
$$;

-- History's read support over flux.state_mutations. Idempotent; applied on every server start,
-- after the log's own script (flux/log/mutation-log.sql, which also has the log's time index for
-- as-of reads). Nothing here is paid for inside a logged write:
--   * flux.row_blame: who last wrote each column, per row, so blame reads O(columns) records
--     instead of scanning a row's whole history. It is folded from the log in the background
--     (flux.history.BlameFolder), never by the write itself; blame reads the summary plus the
--     row's records that are not folded yet (ids above flux.row_blame_progress.folded_through).

-- Earlier versions kept the summary with a trigger inside every write, which halved the log's
-- insert rate (BENCHMARKS.md). Its summaries stay valid input for the folder below.
-- (Checked first: DROP TRIGGER locks the log exclusively, even when there is nothing to drop.)
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_trigger
               WHERE tgname = 'row_blame_track' AND tgrelid = 'flux.state_mutations'::regclass) THEN
        DROP TRIGGER row_blame_track ON flux.state_mutations;
    END IF;
END
$$;
DROP FUNCTION IF EXISTS flux.row_blame_track();

-- One row per logged data row. The maps hold references to mutation records, never values:
-- values are read from those records' images, so this table stays small and never disagrees
-- with the log. A reference is the record's place in the row's commit order (mutation-log.sql):
-- its id when that is its place (the engine's records), else [placed_after, id] (records capture
-- placed); flux.blame_key reads both as [position, id]. Each map keeps, per column, the latest
-- reference in that order, so folding is order-independent and idempotent: records may be folded
-- in any order, and twice. Maps written before commit order hold ids only, which read as [id, id]:
-- still valid.
CREATE TABLE IF NOT EXISTS flux.row_blame (
    table_schema text   NOT NULL,
    table_name   text   NOT NULL,
    row_id       text   NOT NULL,
    latest_id    bigint,                        -- latest committed record of the row (null: attempts only)
    committed    jsonb  NOT NULL DEFAULT '{}',  -- column -> the last committed INSERT/UPDATE that set it
    attempted    jsonb  NOT NULL DEFAULT '{}',  -- column -> the last rolled-back attempt on it
    latest_key   bigint,                        -- latest_id's position in commit order (null: latest_id)
    PRIMARY KEY (table_schema, table_name, row_id)
) WITH (fillfactor = 70);
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'flux.row_blame'::regclass
                                                AND attname = 'latest_key' AND NOT attisdropped) THEN
        ALTER TABLE flux.row_blame ADD COLUMN latest_key bigint;
    END IF;
END
$$;
-- The deleted state is the latest record's operation; the trigger era stored it apart.
-- (Checked first: ALTER TABLE would lock the table on every start even with nothing to drop.)
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'flux.row_blame'::regclass
                                            AND attname = 'deleted_id' AND NOT attisdropped) THEN
        ALTER TABLE flux.row_blame DROP COLUMN deleted_id;
    END IF;
END
$$;

-- How far the folder got: every record with an id at or below folded_through is in
-- flux.row_blame, or belongs to a transaction that never committed.
CREATE TABLE IF NOT EXISTS flux.row_blame_progress (
    singleton      boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    folded_through bigint  NOT NULL
);
INSERT INTO flux.row_blame_progress (folded_through) VALUES (0) ON CONFLICT DO NOTHING;

-- The columns a record attributes: a committed INSERT the keys of its after image, a committed
-- UPDATE its changed_columns, a committed DELETE or a TRUNCATE none (blame keeps showing the last values);
-- a rolled-back attempt what it tried to set (changed_columns, else its after image's keys,
-- else, for a DELETE, its before image's keys).
CREATE OR REPLACE FUNCTION flux.blame_columns(operation text, status text, changed text[], old jsonb, new jsonb)
RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN operation = 'TRUNCATE' OR (status = 'committed' AND operation = 'DELETE') THEN '{}'::text[]
        WHEN operation = 'UPDATE' AND changed IS NOT NULL THEN changed
        WHEN operation <> 'DELETE' AND new IS NOT NULL THEN ARRAY(SELECT jsonb_object_keys(new))
        WHEN old IS NOT NULL THEN ARRAY(SELECT jsonb_object_keys(old))
        ELSE '{}'::text[]
    END
$$;

-- A blame reference (a record's id, or [placed_after, id]) as [position, id]: references compare
-- as these arrays do (bigint[] compares element by element).
CREATE OR REPLACE FUNCTION flux.blame_key(ref jsonb)
RETURNS bigint[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN jsonb_typeof(ref) = 'array' THEN ARRAY[(ref ->> 0)::bigint, (ref ->> 1)::bigint]
                ELSE ARRAY[(ref #>> '{}')::bigint, (ref #>> '{}')::bigint] END
$$;

-- The record a blame reference names.
CREATE OR REPLACE FUNCTION flux.blame_id(ref jsonb)
RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT (flux.blame_key(ref))[2]
$$;

-- The reference of a record at [position, id]: the id alone when the record's place is its id.
CREATE OR REPLACE FUNCTION flux.blame_ref(k bigint[])
RETURNS jsonb LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN k[1] = k[2] THEN to_jsonb(k[2]) ELSE to_jsonb(k) END
$$;

-- Two {column: reference} maps merged by keeping each column's latest reference in commit order.
CREATE OR REPLACE FUNCTION flux.blame_merge(a jsonb, b jsonb)
RETURNS jsonb LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT COALESCE(jsonb_object_agg(e.key, flux.blame_ref(e.latest)), '{}'::jsonb)
    FROM (SELECT key, max(flux.blame_key(value)) AS latest
          FROM (SELECT * FROM jsonb_each(a) UNION ALL SELECT * FROM jsonb_each(b)) AS pairs
          GROUP BY key) AS e
$$;

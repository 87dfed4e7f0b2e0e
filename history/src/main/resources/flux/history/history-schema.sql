-- History's read support over flux.state_mutations. Idempotent; applied on every server start,
-- after flux-schema.sql. Two additions, both paid for on every mutation-log insert (see
-- docs/history.md and BENCHMARKS-history.md for the measured cost):
--   * state_mutations_row_time_idx: as-of reads and history time ranges seek by time;
--   * flux.row_blame + its trigger: who last wrote each column, kept per row, so blame reads
--     O(columns) records instead of scanning a row's whole history.

CREATE INDEX IF NOT EXISTS state_mutations_row_time_idx
    ON flux.state_mutations (table_schema, table_name, row_id, created_at);

-- One row per logged data row. The maps hold mutation ids (flux.state_mutations.id), never
-- values: values are read from those records' images, so this table stays small and never
-- disagrees with the log.
CREATE TABLE IF NOT EXISTS flux.row_blame (
    table_schema text   NOT NULL,
    table_name   text   NOT NULL,
    row_id       text   NOT NULL,
    latest_id    bigint,                        -- latest committed record of the row (null: attempts only)
    deleted_id   bigint,                        -- the committed DELETE while the row is gone
    committed    jsonb  NOT NULL DEFAULT '{}',  -- column -> id of the last committed record that set it
    attempted    jsonb  NOT NULL DEFAULT '{}',  -- column -> id of the last rolled-back attempt on it
    PRIMARY KEY (table_schema, table_name, row_id)
);

-- map with every column in cols stamped with id, unless the map already holds a newer id
-- (records of one row can reach the trigger out of id order when written concurrently).
CREATE OR REPLACE FUNCTION flux.row_blame_stamp(map jsonb, cols text[], id bigint) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
    SELECT map || coalesce(jsonb_object_agg(c, id) FILTER (WHERE coalesce((map ->> c)::bigint, 0) < id), '{}')
    FROM unnest(cols) AS c
$$;

-- Folds one mutation record into its row's summary. Which columns a record touches:
-- UPDATE its changed_columns (an attempt that could not compute them: the keys of its
-- after image), INSERT the keys of its after image, DELETE the keys of its before image.
CREATE OR REPLACE FUNCTION flux.row_blame_apply(m flux.state_mutations) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    cols text[];
BEGIN
    cols := CASE
        WHEN m.operation = 'UPDATE' AND m.changed_columns IS NOT NULL THEN m.changed_columns
        WHEN m.operation <> 'DELETE' AND m.new IS NOT NULL THEN ARRAY(SELECT jsonb_object_keys(m.new))
        WHEN m.old IS NOT NULL THEN ARRAY(SELECT jsonb_object_keys(m.old))
        ELSE '{}'::text[]
    END;
    IF m.status = 'rolled_back' THEN
        INSERT INTO flux.row_blame AS b (table_schema, table_name, row_id, attempted)
        VALUES (m.table_schema, m.table_name, m.row_id, flux.row_blame_stamp('{}', cols, m.id))
        ON CONFLICT (table_schema, table_name, row_id)
            DO UPDATE SET attempted = flux.row_blame_stamp(b.attempted, cols, m.id);
    ELSIF m.operation = 'INSERT' THEN
        -- A (re-)insert sets every column afresh: older attributions and attempts are moot.
        INSERT INTO flux.row_blame AS b (table_schema, table_name, row_id, latest_id, committed)
        VALUES (m.table_schema, m.table_name, m.row_id, m.id, flux.row_blame_stamp('{}', cols, m.id))
        ON CONFLICT (table_schema, table_name, row_id)
            DO UPDATE SET latest_id = m.id, deleted_id = NULL, attempted = '{}',
                          committed = flux.row_blame_stamp('{}', cols, m.id)
            WHERE b.latest_id IS NULL OR b.latest_id < m.id;
    ELSIF m.operation = 'UPDATE' THEN
        INSERT INTO flux.row_blame AS b (table_schema, table_name, row_id, latest_id, committed)
        VALUES (m.table_schema, m.table_name, m.row_id, m.id, flux.row_blame_stamp('{}', cols, m.id))
        ON CONFLICT (table_schema, table_name, row_id)
            DO UPDATE SET latest_id = greatest(b.latest_id, m.id),
                          committed = flux.row_blame_stamp(b.committed, cols, m.id);
    ELSE -- committed DELETE: attributions stay (blame shows the last values), the row is gone
        INSERT INTO flux.row_blame AS b (table_schema, table_name, row_id, latest_id, deleted_id)
        VALUES (m.table_schema, m.table_name, m.row_id, m.id, m.id)
        ON CONFLICT (table_schema, table_name, row_id)
            DO UPDATE SET latest_id = m.id, deleted_id = m.id
            WHERE b.latest_id IS NULL OR b.latest_id < m.id;
    END IF;
END
$$;

CREATE OR REPLACE FUNCTION flux.row_blame_track() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM flux.row_blame_apply(NEW);
    RETURN NULL;
END
$$;

-- First install on a log that already has records: create the trigger and fold the existing
-- records in, in id order, in this one transaction. CREATE TRIGGER locks out writers of the
-- log until commit, so no record is missed or folded twice.
DO $$
DECLARE
    m flux.state_mutations;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_trigger
                   WHERE tgname = 'row_blame_track' AND tgrelid = 'flux.state_mutations'::regclass) THEN
        CREATE TRIGGER row_blame_track AFTER INSERT ON flux.state_mutations
            FOR EACH ROW EXECUTE FUNCTION flux.row_blame_track();
        FOR m IN SELECT * FROM flux.state_mutations ORDER BY id LOOP
            PERFORM flux.row_blame_apply(m);
        END LOOP;
    END IF;
END
$$;

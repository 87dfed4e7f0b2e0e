-- History's read support over flux.state_mutations. Idempotent; applied on every server start,
-- after flux-schema.sql. Two additions, both paid for on every mutation-log insert (see
-- docs/history.md and BENCHMARKS-history.md for the measured cost):
--   * state_mutations_row_time_idx: as-of reads and history time ranges seek by time;
--   * flux.row_blame + its trigger: who last wrote each column, kept per row, so blame reads
--     O(columns) records instead of scanning a row's whole history.

CREATE INDEX IF NOT EXISTS state_mutations_row_time_idx
    ON flux.state_mutations (table_schema, table_name, row_id, created_at);

-- One row per logged data row. The maps hold mutation ids (flux.state_mutations.id, as JSON
-- strings), never values: values are read from those records' images, so this table stays
-- small and never disagrees with the log. fillfactor leaves room for HOT updates: every
-- write of a row rewrites its summary row in place, without touching the index.
CREATE TABLE IF NOT EXISTS flux.row_blame (
    table_schema text   NOT NULL,
    table_name   text   NOT NULL,
    row_id       text   NOT NULL,
    latest_id    bigint,                        -- latest committed record of the row (null: attempts only)
    deleted_id   bigint,                        -- the committed DELETE while the row is gone
    committed    jsonb  NOT NULL DEFAULT '{}',  -- column -> id of the last committed record that set it
    attempted    jsonb  NOT NULL DEFAULT '{}',  -- column -> id of the last rolled-back attempt on it
    PRIMARY KEY (table_schema, table_name, row_id)
) WITH (fillfactor = 70);

-- Folds one mutation record into its row's summary. Which columns a record touches: UPDATE
-- its changed_columns (an attempt that lacks them: the keys of its after image), INSERT the
-- keys of its after image, DELETE the keys of its before image. Records of one row arrive in
-- id order: writers of a row are serialized by its row lock (a second writer's record gets
-- its id after the first committed), and rolled-back records are written after the failure.
-- Written for speed (it runs inside every logged write): one plpgsql function, no nested
-- SQL functions, the common case (a committed UPDATE of a known row) a single HOT UPDATE.
-- SECURITY DEFINER: tenant transactions write the log as roles with no rights on row_blame
-- (flux_runtime, t_<id>); the summary is the installer's to keep. A fixed search_path, so a
-- caller's path cannot redirect the unqualified built-ins.
CREATE OR REPLACE FUNCTION flux.row_blame_track() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    cols  text[];
    stamp jsonb;
BEGIN
    cols := CASE
        WHEN NEW.operation = 'UPDATE' AND NEW.changed_columns IS NOT NULL THEN NEW.changed_columns
        WHEN NEW.operation <> 'DELETE' AND NEW.new IS NOT NULL THEN ARRAY(SELECT jsonb_object_keys(NEW.new))
        WHEN NEW.old IS NOT NULL THEN ARRAY(SELECT jsonb_object_keys(NEW.old))
        ELSE '{}'::text[]
    END;
    stamp := jsonb_object(cols, array_fill(NEW.id::text, ARRAY[cardinality(cols)]));
    IF NEW.status = 'committed' AND NEW.operation = 'UPDATE' THEN
        UPDATE flux.row_blame SET latest_id = NEW.id, committed = committed || stamp
        WHERE table_schema = NEW.table_schema AND table_name = NEW.table_name AND row_id = NEW.row_id;
        IF FOUND THEN
            RETURN NULL;
        END IF;
    END IF;
    IF NEW.status = 'rolled_back' THEN
        INSERT INTO flux.row_blame AS b (table_schema, table_name, row_id, attempted)
        VALUES (NEW.table_schema, NEW.table_name, NEW.row_id, stamp)
        ON CONFLICT (table_schema, table_name, row_id) DO UPDATE SET attempted = b.attempted || stamp;
    ELSIF NEW.operation = 'INSERT' THEN
        -- A (re-)insert sets every column afresh: older attributions and attempts are moot.
        INSERT INTO flux.row_blame AS b (table_schema, table_name, row_id, latest_id, committed)
        VALUES (NEW.table_schema, NEW.table_name, NEW.row_id, NEW.id, stamp)
        ON CONFLICT (table_schema, table_name, row_id)
            DO UPDATE SET latest_id = NEW.id, deleted_id = NULL, attempted = '{}', committed = stamp;
    ELSIF NEW.operation = 'UPDATE' THEN   -- of a row the summary has not seen (e.g. its INSERT predates the log)
        INSERT INTO flux.row_blame AS b (table_schema, table_name, row_id, latest_id, committed)
        VALUES (NEW.table_schema, NEW.table_name, NEW.row_id, NEW.id, stamp)
        ON CONFLICT (table_schema, table_name, row_id)
            DO UPDATE SET latest_id = NEW.id, committed = b.committed || stamp;
    ELSE -- committed DELETE: attributions stay (blame shows the last values), the row is gone
        INSERT INTO flux.row_blame AS b (table_schema, table_name, row_id, latest_id, deleted_id)
        VALUES (NEW.table_schema, NEW.table_name, NEW.row_id, NEW.id, NEW.id)
        ON CONFLICT (table_schema, table_name, row_id) DO UPDATE SET latest_id = NEW.id, deleted_id = NEW.id;
    END IF;
    RETURN NULL;
END
$$;

-- First install on a log that already has records: create the trigger, then replay the
-- existing records, in id order, through the same function (on a temporary copy of the
-- table), all in this transaction. CREATE TRIGGER locks out writers of the log until commit,
-- so no record is missed or folded twice; on a large log that pause lasts the replay.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_trigger
                   WHERE tgname = 'row_blame_track' AND tgrelid = 'flux.state_mutations'::regclass) THEN
        CREATE TRIGGER row_blame_track AFTER INSERT ON flux.state_mutations
            FOR EACH ROW EXECUTE FUNCTION flux.row_blame_track();
        CREATE TEMPORARY TABLE row_blame_replay (LIKE flux.state_mutations) ON COMMIT DROP;
        CREATE TRIGGER row_blame_replay AFTER INSERT ON row_blame_replay
            FOR EACH ROW EXECUTE FUNCTION flux.row_blame_track();
        INSERT INTO row_blame_replay SELECT * FROM flux.state_mutations ORDER BY id;
    END IF;
END
$$;

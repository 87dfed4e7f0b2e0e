-- Capture's part of the flux schema: how tables join its publication, and the event trigger that
-- makes them join inside the DDL's own transaction where the login role may install one (a
-- superuser). Owned by the capture module (flux.capture.pg.CaptureSchema); idempotent, installed
-- each time capture prepares, after the log's scripts (mutation-log.sql, schema-journal.sql,
-- snapshot-records.sql). ${channel} is pg's schema-change channel (SchemaChanges.CHANNEL).

-- Where each table joined each publication. Capture reads it to tell a mutation record that has no
-- WAL change because its table was not published yet (a gap: published from the log instead) from
-- one that is missing.
CREATE TABLE IF NOT EXISTS flux.capture_joins (
    publication  text        NOT NULL,
    table_oid    oid         NOT NULL,
    table_schema text        NOT NULL,
    table_name   text        NOT NULL,
    -- Every write to the table that committed before the join has a WAL position below joined_lsn,
    -- every later one above it (the join holds the table in SHARE mode while it reads the position).
    joined_lsn   pg_lsn      NOT NULL,
    backfilled   integer     NOT NULL,   -- snapshot records written at the join
    joined_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (publication, table_oid)
);
CREATE INDEX IF NOT EXISTS capture_joins_name_idx ON flux.capture_joins (publication, table_schema, table_name);

-- The highest mutation record id when each slot was created (ResumePosition): where streaming
-- resumes until the slot's first offset is stored, in the mutation log's terms. Written anew when
-- capture starts on a slot that does not exist yet (it is created at the current position).
CREATE TABLE IF NOT EXISTS flux.capture_slot_starts (
    slot_name      text        PRIMARY KEY,
    streamed_up_to bigint      NOT NULL,
    recorded_at    timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- Adds a tracked table (a user table with a primary key, logged) to a publication: waits for the
-- table's writers (SHARE mode), sets REPLICA IDENTITY FULL where missing, adds it, notes the join
-- position, and with backfill records the rows the WAL will never show (flux.record_snapshot).
-- Returns the snapshot records written. Needs what PostgreSQL needs for those statements: ownership
-- of the table (or a superuser), and of the publication.
CREATE OR REPLACE FUNCTION flux.capture_join(pub text, joining oid, backfill boolean) RETURNS integer
LANGUAGE plpgsql AS $fn$
DECLARE
    t record;
    guard text := current_setting('flux.capture_ddl', true);
    joined pg_lsn;
    written integer := 0;
BEGIN
    SELECT u.table_schema, u.table_name, u.replica_identity, c.relowner INTO t
      FROM flux.user_tables u JOIN pg_catalog.pg_class c ON c.oid = u.table_oid
     WHERE u.table_oid = joining AND u.logged AND cardinality(u.key_columns) > 0;
    IF NOT FOUND THEN
        RETURN 0;
    END IF;
    -- Said here, plainly: PostgreSQL would refuse the LOCK below for want of a privilege instead.
    IF NOT pg_catalog.pg_has_role(current_user, t.relowner, 'USAGE') THEN
        RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
            MESSAGE = format('role %I does not own table %I.%I (its owner is %I), so it cannot add it to publication %I'
                             ' nor set its replica identity', current_user, t.table_schema, t.table_name,
                             t.relowner::regrole, pub),
            HINT = format('ALTER TABLE %I.%I OWNER TO %I, or GRANT %I TO %I', t.table_schema, t.table_name,
                          current_user, t.relowner::regrole, current_user);
    END IF;
    -- The statements below are DDL: the event trigger must not join the table again meanwhile.
    PERFORM set_config('flux.capture_ddl', 'on', true);
    EXECUTE format('LOCK TABLE %I.%I IN SHARE MODE', t.table_schema, t.table_name);
    -- Another joiner (the event trigger, another server's sync) may have been first.
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_publication_rel r JOIN pg_catalog.pg_publication p ON p.oid = r.prpubid
                WHERE p.pubname = pub AND r.prrelid = joining) THEN
        PERFORM set_config('flux.capture_ddl', coalesce(guard, ''), true);
        RETURN 0;
    END IF;
    IF t.replica_identity <> 'f' THEN
        EXECUTE format('ALTER TABLE %I.%I REPLICA IDENTITY FULL', t.table_schema, t.table_name);
    END IF;
    EXECUTE format('ALTER PUBLICATION %I ADD TABLE %I.%I', pub, t.table_schema, t.table_name);
    joined := pg_current_wal_insert_lsn();
    IF backfill THEN
        written := flux.record_snapshot(joining);
    END IF;
    INSERT INTO flux.capture_joins (publication, table_oid, table_schema, table_name, joined_lsn, backfilled)
    VALUES (pub, joining, t.table_schema, t.table_name, joined, written)
        ON CONFLICT ON CONSTRAINT capture_joins_pkey DO UPDATE
       SET table_schema = excluded.table_schema, table_name = excluded.table_name, joined_lsn = excluded.joined_lsn,
           backfilled = excluded.backfilled, joined_at = excluded.joined_at;
    PERFORM set_config('flux.capture_ddl', coalesce(guard, ''), true);
    RETURN written;
END
$fn$;

-- The publications capture maintains: those that publish the mutation log.
CREATE OR REPLACE VIEW flux.capture_publications AS
SELECT pubname::text AS publication FROM pg_catalog.pg_publication_tables
 WHERE schemaname = 'flux' AND tablename = 'state_mutations';

-- What the event trigger does for the tables a DDL command touched, inside its transaction: journal
-- the changes (flux.record_schema_changes), join tables that became tracked to every capture
-- publication, and announce the changes. Never fails the DDL: an error is a WARNING, and the schema
-- detector journals the change after the fact instead (the publication then catches up with a
-- backfill). Not SECURITY DEFINER itself: it has the rights of the trigger functions' owner only when
-- they call it; anyone else calling it has their own.
CREATE OR REPLACE FUNCTION flux.capture_ddl(touched oid[], command_tag text) RETURNS void
LANGUAGE plpgsql AS $fn$
DECLARE
    recorded integer;
    j record;
BEGIN
    IF current_setting('flux.capture_ddl', true) = 'on' OR cardinality(touched) = 0 THEN
        RETURN; -- capture's own DDL (capture_join), or nothing of ours
    END IF;
    BEGIN
        SELECT count(*) INTO recorded FROM flux.record_schema_changes(touched, 'event_trigger', command_tag);
        FOR j IN SELECT p.publication, u.table_oid
                   FROM flux.user_tables u CROSS JOIN flux.capture_publications p
                  WHERE u.table_oid = ANY (touched) AND u.logged AND cardinality(u.key_columns) > 0
                    AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_rel r
                                     JOIN pg_catalog.pg_publication pp ON pp.oid = r.prpubid
                                    WHERE pp.pubname = p.publication AND r.prrelid = u.table_oid) LOOP
            PERFORM flux.capture_join(j.publication, j.table_oid, true);
        END LOOP;
        IF recorded > 0 THEN
            PERFORM pg_notify('${channel}', 'event trigger: ' || command_tag);
        END IF;
    EXCEPTION WHEN OTHERS THEN
        RAISE WARNING 'flux: % was not recorded by capture''s event trigger (% %); the schema detector will',
            command_tag, SQLSTATE, SQLERRM;
    END;
END
$fn$;

-- The event trigger functions run as their owner (the superuser that installed them), whoever made
-- the DDL: adding a table to the publication and setting its replica identity need ownership of it.
-- Every name they use is qualified; search_path is pinned so no other schema can stand in for one.
CREATE OR REPLACE FUNCTION flux.capture_ddl_command_end() RETURNS event_trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
BEGIN
    -- Tables, their columns, and indexes (a primary key added) that the command created or altered.
    PERFORM flux.capture_ddl(ARRAY(
        SELECT DISTINCT CASE WHEN c.object_type = 'index' THEN i.indrelid ELSE c.objid END
          FROM pg_event_trigger_ddl_commands() c
          LEFT JOIN pg_catalog.pg_index i ON c.object_type = 'index' AND i.indexrelid = c.objid
         WHERE c.classid = 'pg_catalog.pg_class'::regclass
           AND c.object_type IN ('table', 'table column', 'index')), tg_tag);
END
$fn$;

CREATE OR REPLACE FUNCTION flux.capture_sql_drop() RETURNS event_trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
BEGIN
    -- DROP TABLE (and DROP SCHEMA ... CASCADE) report their tables here only.
    PERFORM flux.capture_ddl(ARRAY(
        SELECT DISTINCT d.objid FROM pg_event_trigger_dropped_objects() d
         WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.object_type = 'table'), tg_tag);
END
$fn$;

-- Only a superuser may create event triggers: for other roles capture relies on the detector.
DO $$
BEGIN
    IF (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user) THEN
        IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_event_trigger WHERE evtname = 'flux_capture_ddl_command_end') THEN
            CREATE EVENT TRIGGER flux_capture_ddl_command_end ON ddl_command_end
                EXECUTE FUNCTION flux.capture_ddl_command_end();
        END IF;
        IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_event_trigger WHERE evtname = 'flux_capture_sql_drop') THEN
            CREATE EVENT TRIGGER flux_capture_sql_drop ON sql_drop EXECUTE FUNCTION flux.capture_sql_drop();
        END IF;
    END IF;
END
$$;

-- Snapshots (backfills) of tracked tables to Kafka, owned by capture (flux.capture.snapshot): one row
-- per snapshot with where it got to, so it resumes after a restart and can be cancelled.
CREATE TABLE IF NOT EXISTS flux.capture_snapshots (
    id             text PRIMARY KEY,
    table_schema   text NOT NULL,
    table_name     text NOT NULL,
    filter         text,
    chunk_size     integer NOT NULL CHECK (chunk_size > 0),
    status         text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done', 'cancelled', 'failed')),
    last_key       jsonb,
    max_key        jsonb,
    rows_done      bigint NOT NULL DEFAULT 0,
    rows_estimated bigint NOT NULL DEFAULT 0,
    error          text,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);

-- The watermarks of snapshot chunks (DBLog): in the publication, so each arrives in the WAL stream
-- at its commit, between the changes made before and after it. Rows are deleted once read.
CREATE TABLE IF NOT EXISTS flux.capture_snapshot_watermarks (
    id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    window_id text NOT NULL,
    kind    text NOT NULL CHECK (kind IN ('low', 'high'))
);

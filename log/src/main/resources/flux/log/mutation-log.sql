-- The mutation log, flux.state_mutations: its table and its indexes, the SQL console's marks on
-- its transactions (flux.console_transactions, which decide a record's source) and the marks of
-- tenant purges (flux.tenant_purges, which decide what capture records). Owned by the log module
-- (flux.log); idempotent, applied on every start. Stored data depends on these names: history,
-- capture and Kafka consumers read them (docs/contracts.md).
CREATE SCHEMA IF NOT EXISTS flux;

-- Every writer of the log holds a transaction id before it takes a record id: the engine's
-- statement writes the data row first, the other writers call pg_current_xact_id() first.
-- History's blame folder relies on it to tell when a gap in the ids can no longer fill.
CREATE TABLE IF NOT EXISTS flux.state_mutations (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,  -- global order of records
    request_id      text        NOT NULL,                            -- flux.request_id of the writer
    txid            xid8,       -- the writing (or failed) transaction; null only for an attempt
                                -- whose transaction failed before it was assigned an id
    table_schema    text        NOT NULL,
    table_name      text        NOT NULL,
    row_id          text        NOT NULL,   -- pk as text; composite keys as a JSON array text
    operation       text        NOT NULL
                    CONSTRAINT state_mutations_operation_check CHECK (operation IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE')),
    old             jsonb,                  -- before image (UPDATE, DELETE)
    new             jsonb,                  -- after image (INSERT, UPDATE)
    changed_columns text[],                 -- UPDATE only
    status          text        NOT NULL DEFAULT 'committed' CHECK (status IN ('committed', 'rolled_back')),
    error           text,                   -- 'SQLSTATE: message' for rolled-back attempts
    tenant_id       text,
    source          text        NOT NULL DEFAULT 'api'
                    CONSTRAINT state_mutations_source_check CHECK (source IN ('api', 'wal', 'console', 'snapshot')),
    created_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    placed_after    bigint,     -- see "Commit order" below; null for the engine's records
    old_row_id      text        -- an UPDATE that changed the primary key: the key before it
);

-- Commit order. A row's history lists its records in the order their changes committed:
-- (coalesce(placed_after, id), id). The engine's records need no placed_after: the engine takes a
-- record's id in the statement that changed the row, after the change and before the commit,
-- while it holds the row's lock; writers of one row are serialized by that lock, so for one row
-- id order is commit order. A record capture adds later (source 'wal', a TRUNCATE) gets its id
-- long after its change committed, so capture places it: placed_after is the highest record id
-- capture had streamed before that change (pgoutput sends transactions in commit order, records
-- included, each with its id). Every record of an earlier writer of the row has an id at or below
-- it (it committed, so it was streamed before); every later writer of the row took its id after
-- this change committed, above every id streamed before it. Ties (several changes placed after
-- the same id) keep capture's own id order, which is the WAL's. created_at is the commit time
-- for those records (the WAL's), clock_timestamp() for the engine's.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'flux.state_mutations'::regclass
                                                AND attname = 'placed_after' AND NOT attisdropped) THEN
        ALTER TABLE flux.state_mutations ADD COLUMN placed_after bigint, ADD COLUMN old_row_id text;
    END IF;
END
$$;

-- undoes: the request an undo reverses (docs/history.md, "Undo a request"), set by the engine's
-- record insert from the undo transaction's flux.undoes setting; null for every other record. Added
-- in place to logs made before undo (nullable, no default: a catalog change, no rewrite), checked
-- first because ALTER TABLE locks the log exclusively even when there is nothing to change.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'flux.state_mutations'::regclass
                                                AND attname = 'undoes' AND NOT attisdropped) THEN
        ALTER TABLE flux.state_mutations ADD COLUMN IF NOT EXISTS undoes text;
    END IF;
END
$$;

-- Indexes are created only when missing: CREATE INDEX IF NOT EXISTS takes its SHARE lock on the
-- log before it looks, even when the index exists, so every start would queue behind any open
-- write transaction and hold off all new writes while it waits (checked on PostgreSQL 18).
DO $$
BEGIN
    -- Row history and blame read keyset pages in commit order (above): cost independent of history
    -- length. It replaces the index by (table, row, id) that logs made before commit order had: the
    -- write path keeps one row index, not two (on a large log, create it CONCURRENTLY first).
    IF to_regclass('flux.state_mutations_row_order_idx') IS NULL THEN
        CREATE INDEX state_mutations_row_order_idx
            ON flux.state_mutations (table_schema, table_name, row_id, (coalesce(placed_after, id)), id);
    END IF;
    IF to_regclass('flux.state_mutations_row_idx') IS NOT NULL THEN
        DROP INDEX flux.state_mutations_row_idx;
    END IF;
    -- A row's records that capture placed, by id: blame reads a row's records above the blame
    -- folder's watermark (an id), and a placed record's id says nothing of its place in the row
    -- index. Partial: the engine's writes never pay for it.
    IF to_regclass('flux.state_mutations_placed_idx') IS NULL THEN
        CREATE INDEX state_mutations_placed_idx ON flux.state_mutations (table_schema, table_name, row_id, id)
            WHERE placed_after IS NOT NULL;
    END IF;
    -- Key changes and TRUNCATEs show in more than their own row_id's history: the old key's, every
    -- truncated row's. Partial and rare: other writes only test the predicate.
    IF to_regclass('flux.state_mutations_key_change_idx') IS NULL THEN
        CREATE INDEX state_mutations_key_change_idx
            ON flux.state_mutations (table_schema, table_name, old_row_id, (coalesce(placed_after, id)), id)
            WHERE old_row_id IS NOT NULL;
    END IF;
    IF to_regclass('flux.state_mutations_truncate_idx') IS NULL THEN
        CREATE INDEX state_mutations_truncate_idx
            ON flux.state_mutations (table_schema, table_name, (coalesce(placed_after, id)), id)
            WHERE operation = 'TRUNCATE';
    END IF;
    -- A request's records in id order, and request ids by prefix (the short forms users type):
    -- pattern ops compare bytes, whatever the database's collation, so a prefix is one index range.
    -- The id makes a page of a request (request_id = ? AND id > ? ORDER BY id LIMIT n) one range
    -- read in order: on an index by request_id alone the planner prefers walking the primary key in
    -- id order and filtering, which reads every record below the request's (27,000 buffers for the
    -- first record of a request after 1,000,000 others; issue 23, docs/history.md). It replaces the
    -- index by request_id alone (state_mutations_request_prefix_idx) and the plain one before it
    -- (on a large log, create it CONCURRENTLY first).
    IF to_regclass('flux.state_mutations_request_order_idx') IS NULL THEN
        CREATE INDEX state_mutations_request_order_idx ON flux.state_mutations (request_id text_pattern_ops, id);
    END IF;
    IF to_regclass('flux.state_mutations_request_prefix_idx') IS NOT NULL THEN
        DROP INDEX flux.state_mutations_request_prefix_idx;
    END IF;
    IF to_regclass('flux.state_mutations_request_idx') IS NOT NULL THEN
        DROP INDEX flux.state_mutations_request_idx;
    END IF;
    -- Capture looks up the records it added itself (source 'wal') by transaction, to stay
    -- idempotent on replay. Partial: API writes, the hot path, never pay for this index.
    IF to_regclass('flux.state_mutations_txid_idx') IS NOT NULL THEN
        DROP INDEX flux.state_mutations_txid_idx;
    END IF;
    IF to_regclass('flux.state_mutations_wal_txid_idx') IS NULL THEN
        CREATE INDEX state_mutations_wal_txid_idx ON flux.state_mutations (txid) WHERE source = 'wal';
    END IF;
    -- The records capture adds for the SQL console's writes (source 'console') need no index of
    -- their own: capture finds them by the run's request id (the request index above), which the
    -- console's mark gives (flux.console_transactions). A partial index for them, made by earlier
    -- builds of the console, would cost every write the test of its predicate: dropped.
    IF to_regclass('flux.state_mutations_console_txid_idx') IS NOT NULL THEN
        DROP INDEX flux.state_mutations_console_txid_idx;
    END IF;
    -- As-of reads and history time ranges seek a row's records by time. (Installed by history's
    -- schema script before the log had a module of its own; an index on the log is the log's.)
    IF to_regclass('flux.state_mutations_row_time_idx') IS NULL THEN
        CREATE INDEX state_mutations_row_time_idx
            ON flux.state_mutations (table_schema, table_name, row_id, created_at);
    END IF;
END
$$;

-- The sources a record may have: 'api' (the engine), 'wal' (capture, for a write that bypassed
-- the API), 'console' (the SQL console), 'snapshot' (a table's rows recorded when it joined); and
-- the operations: TRUNCATE joined with commit order (a table-level record, row_id ''). Logs created
-- before allow fewer: each check is widened in place, once (checked first: ALTER TABLE locks the
-- log exclusively even when there is nothing to change). NOT VALID: every existing row passed the
-- narrower check this one replaces, and validating would scan the whole log while this
-- transaction's exclusive lock holds off every write. New rows are checked either way.
--
-- On PostgreSQL 18 and later the three value checks are declared NOT ENFORCED: they stay in the
-- catalog as the columns' documented domain, but no write evaluates them. Why: PostgreSQL reads,
-- plans and compiles a table's check expressions anew for every statement that inserts into it,
-- about 20 us of server CPU per engine write, some 10% of it (BENCHMARKS.md, "Write run 12"), for
-- values only Flux writes: the log is written only by the log module's statements and capture's
-- record writer, whose operation, status and source come from the log's enums (Operation, Status,
-- Source), and no other role may insert (docs/contracts.md). Readers reject a value outside the
-- enums. Before 18 the checks stay enforced.
DO $$
DECLARE
    c record;
    enforce boolean := current_setting('server_version_num')::int < 180000;
    enforced boolean;
BEGIN
    FOR c IN SELECT * FROM (VALUES
            ('state_mutations_source_check', '''snapshot''',
             'CHECK (source IN (''api'', ''wal'', ''console'', ''snapshot''))'),
            ('state_mutations_operation_check', '''TRUNCATE''',
             'CHECK (operation IN (''INSERT'', ''UPDATE'', ''DELETE'', ''TRUNCATE''))'),
            ('state_mutations_status_check', '''rolled_back''',
             'CHECK (status IN (''committed'', ''rolled_back''))')) AS v(name, marker, definition)
    LOOP
        enforced := true;
        IF NOT enforce THEN -- pg_constraint.conenforced exists from 18 on
            EXECUTE 'SELECT bool_and(conenforced) FROM pg_constraint'
                    ' WHERE conrelid = ''flux.state_mutations''::regclass AND conname = $1' INTO enforced USING c.name;
        END IF;
        IF NOT EXISTS (SELECT 1 FROM pg_constraint
                       WHERE conrelid = 'flux.state_mutations'::regclass AND conname = c.name
                         AND pg_get_constraintdef(oid) LIKE '%' || c.marker || '%')
           OR enforced IS DISTINCT FROM enforce THEN
            EXECUTE format('ALTER TABLE flux.state_mutations DROP CONSTRAINT IF EXISTS %I, ADD CONSTRAINT %I %s %s',
                           c.name, c.name, c.definition, CASE WHEN enforce THEN 'NOT VALID' ELSE 'NOT ENFORCED' END);
        END IF;
    END LOOP;
END
$$;

-- Transactions of the SQL console that wrote, each with the request id the console gave it
-- (flux.log.ConsoleTransactions). Written by the server (the login role) before such a transaction
-- commits, so capture, which sees the transaction only after its commit, always finds it: the
-- records it adds for those changes get source 'console' and this request id instead of 'wal' and
-- 'wal:<txid>'. Tenants have no right here.
CREATE TABLE IF NOT EXISTS flux.console_transactions (
    txid        xid8        PRIMARY KEY,
    request_id  text        NOT NULL,
    key_id      text,
    tenant_id   text,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- Tenants being purged, and purged (flux.log.TenantPurges): a mark decides what capture records
-- of raw SQL writes, as the console's does. While `ended` is null the tenant is being purged and
-- capture records none of its changes; once the purge is done, `ended` is the snapshot taken then,
-- and capture records none of the tenant's changes in a transaction visible in it (committed
-- before: the purge's own row deletions, and raw writes a lagging or stopped capture had not
-- recorded yet), so nothing it reads later brings the tenant's history back. A tenant id used
-- again after its purge is recorded as any other. One row per tenant id; written by the server.
CREATE TABLE IF NOT EXISTS flux.tenant_purges (
    tenant_id   text        PRIMARY KEY,
    request_id  text        NOT NULL,
    started_at  timestamptz NOT NULL DEFAULT now(),
    ended       pg_snapshot
);

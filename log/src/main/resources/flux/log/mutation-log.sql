-- The mutation log, flux.state_mutations: its table and its indexes, and the SQL console's marks on
-- its transactions (flux.console_transactions, which decide a record's source). Owned by the log module
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
    operation       text        NOT NULL CHECK (operation IN ('INSERT', 'UPDATE', 'DELETE')),
    old             jsonb,                  -- before image (UPDATE, DELETE)
    new             jsonb,                  -- after image (INSERT, UPDATE)
    changed_columns text[],                 -- UPDATE only
    status          text        NOT NULL DEFAULT 'committed' CHECK (status IN ('committed', 'rolled_back')),
    error           text,                   -- 'SQLSTATE: message' for rolled-back attempts
    tenant_id       text,
    source          text        NOT NULL DEFAULT 'api'
                    CONSTRAINT state_mutations_source_check CHECK (source IN ('api', 'wal', 'console', 'snapshot')),
    created_at      timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- Indexes are created only when missing: CREATE INDEX IF NOT EXISTS takes its SHARE lock on the
-- log before it looks, even when the index exists, so every start would queue behind any open
-- write transaction and hold off all new writes while it waits (checked on PostgreSQL 18).
DO $$
BEGIN
    -- Row history and blame read keyset pages by (table, row, id): cost independent of history length.
    IF to_regclass('flux.state_mutations_row_idx') IS NULL THEN
        CREATE INDEX state_mutations_row_idx ON flux.state_mutations (table_schema, table_name, row_id, id);
    END IF;
    IF to_regclass('flux.state_mutations_request_idx') IS NULL THEN
        CREATE INDEX state_mutations_request_idx ON flux.state_mutations (request_id);
    END IF;
    -- Capture looks up the records it added itself (source 'wal') by transaction, to stay
    -- idempotent on replay. Partial: API writes, the hot path, never pay for this index.
    IF to_regclass('flux.state_mutations_txid_idx') IS NOT NULL THEN
        DROP INDEX flux.state_mutations_txid_idx;
    END IF;
    IF to_regclass('flux.state_mutations_wal_txid_idx') IS NULL THEN
        CREATE INDEX state_mutations_wal_txid_idx ON flux.state_mutations (txid) WHERE source = 'wal';
    END IF;
    -- The same lookup for the records capture adds for the SQL console's writes (source 'console').
    IF to_regclass('flux.state_mutations_console_txid_idx') IS NULL THEN
        CREATE INDEX state_mutations_console_txid_idx ON flux.state_mutations (txid) WHERE source = 'console';
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
-- the API), 'console' (the SQL console), 'snapshot' (a table's rows recorded when it joined).
-- Logs created before the last two existed allow 'api' and 'wal' only: widened in place, once
-- (checked first: ALTER TABLE locks the log exclusively even when there is nothing to change).
-- NOT VALID: every existing row passed the narrower check this one replaces, and validating would
-- scan the whole log while this transaction's exclusive lock holds off every write. New rows are
-- checked either way.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint
                   WHERE conrelid = 'flux.state_mutations'::regclass AND conname = 'state_mutations_source_check'
                     AND pg_get_constraintdef(oid) LIKE '%''snapshot''%') THEN
        ALTER TABLE flux.state_mutations
            DROP CONSTRAINT IF EXISTS state_mutations_source_check,
            ADD CONSTRAINT state_mutations_source_check
                CHECK (source IN ('api', 'wal', 'console', 'snapshot')) NOT VALID;
    END IF;
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

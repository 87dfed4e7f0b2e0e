-- The internal `flux` schema: the mutation log. Idempotent; applied on every start.
-- Stored data depends on these names: history, capture and Kafka consumers read them.
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
    source          text        NOT NULL DEFAULT 'api' CHECK (source IN ('api', 'wal')),
    created_at      timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- Row history and blame read keyset pages by (table, row, id): cost independent of history length.
CREATE INDEX IF NOT EXISTS state_mutations_row_idx
    ON flux.state_mutations (table_schema, table_name, row_id, id);
CREATE INDEX IF NOT EXISTS state_mutations_request_idx ON flux.state_mutations (request_id);
-- Capture looks up the records it added itself (source 'wal') by transaction, to stay
-- idempotent on replay. Partial: API writes, the hot path, never pay for this index.
DROP INDEX IF EXISTS flux.state_mutations_txid_idx;
CREATE INDEX IF NOT EXISTS state_mutations_wal_txid_idx ON flux.state_mutations (txid) WHERE source = 'wal';

-- The SQL console's audit log: one row per statement, written by the server's login role before
-- the statement runs ('running') and completed when its transaction ends, so a statement that
-- never returns is still there. Tenants' roles (t_<id>, flux_runtime, the console's own logins)
-- have no right on it: PUBLIC gets none on a new table, and none is granted. Idempotent.
CREATE TABLE IF NOT EXISTS flux.console_audit (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT clock_timestamp(),
    key_id      text,                       -- the API key's public id; null in open mode
    tenant_id   text,                       -- null: the operator (no tenant), as the login role
    db_role     text        NOT NULL,       -- the role the statement ran as
    request_id  text        NOT NULL,       -- one per run; the console's writes carry it in history
    statement   text        NOT NULL,
    duration_ms double precision,
    row_count   bigint,                     -- rows returned or affected
    error       text,                       -- 'SQLSTATE: message'
    outcome     text        NOT NULL DEFAULT 'running'
                CHECK (outcome IN ('running', 'committed', 'rolled_back', 'refused'))
);

DO $$
BEGIN
    -- A tenant's listing reads its own entries newest first.
    IF to_regclass('flux.console_audit_tenant_idx') IS NULL THEN  -- IF NOT EXISTS would lock first
        CREATE INDEX console_audit_tenant_idx ON flux.console_audit (tenant_id, id);
    END IF;
END
$$;

-- The console's login roles, one per tenant and kind (read-only or read-write): which tenant each
-- acts for. Read by flux.console_tenant() in the row-level console policy; no tenant reads it.
CREATE TABLE IF NOT EXISTS flux.console_roles (
    role_name   text        PRIMARY KEY,
    tenant_id   text        NOT NULL,
    writes      boolean     NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

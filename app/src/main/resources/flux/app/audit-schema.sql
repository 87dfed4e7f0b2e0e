-- Who did what to Flux's own records: key and tenant administration now, the SQL console's
-- statements later. Appended to, never updated. actor is an API key id, or 'cli' for a command run
-- on the database directly. The last four columns are the console's (its statement, how long it
-- ran, the rows it returned or changed, its error); null for everything else.
CREATE TABLE IF NOT EXISTS flux.audit_log (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at           timestamptz NOT NULL DEFAULT now(),
    actor        text        NOT NULL,
    tenant_id    text,                  -- the tenant acted on or for
    action       text        NOT NULL,  -- key.create, key.revoke, tenant.create, tenant.update
    target       text,                  -- what was acted on: a key id, a tenant id
    detail       jsonb,                 -- the action's parameters
    statement    text,
    duration_ms  double precision,
    row_count    bigint,
    error        text
);
-- Created only when missing, as the log's indexes are (flux/log/log-schema.sql says why).
DO $$
BEGIN
    IF to_regclass('flux.audit_log_at') IS NULL THEN
        CREATE INDEX audit_log_at ON flux.audit_log (at);
    END IF;
END
$$;

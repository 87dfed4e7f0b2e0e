-- Who did what to Flux's own records: key and tenant administration. Appended to, never updated.
-- actor is an API key id, or 'cli' for a command run on the database directly. The SQL console's
-- statements are audited in flux.console_audit, the console module's (docs/console.md, "The audit
-- log", says why that is a table of its own).
CREATE TABLE IF NOT EXISTS flux.audit_log (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at           timestamptz NOT NULL DEFAULT now(),
    actor        text        NOT NULL,
    tenant_id    text,                  -- the tenant acted on or for
    action       text        NOT NULL,  -- key.create, key.revoke, tenant.create, tenant.update
    target       text,                  -- what was acted on: a key id, a tenant id
    detail       jsonb                  -- the action's parameters
);
-- Created only when missing, as the log's indexes are (flux/log/log-schema.sql says why).
DO $$
BEGIN
    IF to_regclass('flux.audit_log_at') IS NULL THEN
        CREATE INDEX audit_log_at ON flux.audit_log (at);
    END IF;
END
$$;

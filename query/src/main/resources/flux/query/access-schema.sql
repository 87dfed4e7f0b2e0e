-- API keys: each maps to a tenant and a role. Only a SHA-256 of the key is stored; the key
-- itself is shown once, when created. Keys carry 256 random bits, so a fast hash is the
-- right tool here (as for GitHub tokens): there is nothing to brute-force.
CREATE TABLE IF NOT EXISTS flux.api_keys (
    id           text        PRIMARY KEY,   -- public part of the key, e.g. '3f9a2c1d'
    secret_hash  bytea       NOT NULL,      -- sha256 of the whole key
    tenant_id    text        NOT NULL,
    role         text        NOT NULL CHECK (role IN ('read-only', 'read-write', 'admin')),
    name         text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    revoked_at   timestamptz
);

-- Tenants with a setting of their own: the isolation mode (a tenant without a row here is
-- row-level), the storage quota and its last measurement. Written by `flux tenants` and the
-- quota meter; read (cached) by the server for each request's tenant scope.
CREATE TABLE IF NOT EXISTS flux.tenants (
    id           text        PRIMARY KEY,
    isolation    text        NOT NULL DEFAULT 'row' CHECK (isolation IN ('row', 'schema')),
    quota_bytes  bigint      CHECK (quota_bytes >= 0),   -- null: no quota
    used_bytes   bigint,                                 -- last measurement, null before the first
    measured_at  timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now()
);

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

-- The schema a schema-mode tenant owns, as PostgreSQL stores its name: who owns a schema is read
-- here, never parsed from the name, because t_<id>_api is lossy (case and '-' fold to the same
-- name, and names are cut at 63 bytes). Unique: one schema, one tenant. Capture reads it to give
-- raw SQL writes into a tenant's schema that tenant. Kept when a tenant turns row-level (its
-- schema and data stay where they are).
-- (Checked first: ALTER TABLE locks the table on every start even when the column exists.)
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'flux.tenants'::regclass
                                                AND attname = 'schema_name' AND NOT attisdropped) THEN
        ALTER TABLE flux.tenants ADD COLUMN schema_name text;
    END IF;
END
$$;
-- A deleted tenant is a tombstone until purge_after: its data and rows stay, its keys are revoked
-- and its roles cut off (`flux tenants delete`), `flux tenants undelete` brings it back, and
-- `flux tenants purge` drops it once purge_after has passed. Both null for a live tenant.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'flux.tenants'::regclass
                                                AND attname = 'deleted_at' AND NOT attisdropped) THEN
        ALTER TABLE flux.tenants ADD COLUMN deleted_at timestamptz, ADD COLUMN purge_after timestamptz;
    END IF;
END
$$;
DO $$
BEGIN
    IF to_regclass('flux.tenants_schema_name_key') IS NULL THEN -- IF NOT EXISTS would lock first
        CREATE UNIQUE INDEX tenants_schema_name_key ON flux.tenants (schema_name);
    END IF;
END
$$;

-- Schema tenants provisioned before the column existed: their schema by TenantSchemas' naming
-- rule, where the schema exists and exactly one tenant maps to it (an ambiguous one stays null,
-- unattributed, until `flux tenants create` names its owner). A no-op once every row is filled.
WITH named AS (
    SELECT t.id, n.nspname::text AS schema_name
      FROM flux.tenants t
      JOIN pg_namespace n ON n.nspname = left('t_' || replace(lower(t.id), '-', '_') || '_api', 63)
     WHERE t.isolation = 'schema' AND t.schema_name IS NULL)
UPDATE flux.tenants t SET schema_name = named.schema_name
  FROM named
 WHERE t.id = named.id
   AND (SELECT count(*) FROM named other WHERE other.schema_name = named.schema_name) = 1
   AND NOT EXISTS (SELECT 1 FROM flux.tenants owner WHERE owner.schema_name = named.schema_name);

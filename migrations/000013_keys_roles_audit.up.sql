-- Staff roles in place of the superuser bit: today's superusers are admins.
-- The API still shows is_superuser, as role = 'admin'.
CREATE TYPE user_role AS ENUM ('customer', 'support', 'fulfillment', 'catalog', 'admin');
ALTER TABLE users ADD COLUMN role user_role NOT NULL DEFAULT 'customer';
UPDATE users SET role = 'admin' WHERE is_superuser;
ALTER TABLE users DROP COLUMN is_superuser;

-- API keys for machine clients. The secret is shown once and kept only as
-- its SHA-256 (it is 32 random bytes: no slow hash is needed); prefix is
-- its first characters, for people to tell keys apart. A revoked key stays,
-- for the audit log's sake. The rate_ columns count the key's requests in
-- the current and the previous minute: every replica counts on the row.
CREATE TABLE api_keys (
    id            uuid PRIMARY KEY,
    name          text NOT NULL CHECK (name <> ''),
    prefix        text NOT NULL,
    secret_hash   bytea NOT NULL UNIQUE,
    scopes        text[] NOT NULL CHECK (cardinality(scopes) > 0),
    created_by    uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz,
    revoked_at    timestamptz,
    last_used_at  timestamptz,
    rate_window   timestamptz,
    rate_count    integer NOT NULL DEFAULT 0,
    rate_previous integer NOT NULL DEFAULT 0
);
CREATE INDEX api_keys_created_idx ON api_keys (created_at DESC, id DESC);

-- Who did what: every staff action, every write made with a key, every
-- role change and every key created or revoked. actor is the user's e-mail
-- or the key's name as it was then (or the command, for the command line,
-- which has no actor_id and no HTTP method, path or status: 0); target
-- names what the action was on.
CREATE TABLE audit_log (
    id             uuid PRIMARY KEY,
    at             timestamptz NOT NULL DEFAULT now(),
    actor_type     text NOT NULL CHECK (actor_type IN ('user', 'api_key', 'cli')),
    actor_id       uuid,
    actor          text NOT NULL,
    role           text,
    action         text NOT NULL,
    method         text NOT NULL,
    path           text NOT NULL,
    target_type    text,
    target_id      text,
    status         integer NOT NULL,
    client_address text NOT NULL,
    request_id     text NOT NULL,
    detail         jsonb
);
CREATE INDEX audit_log_at_idx ON audit_log (at DESC, id DESC);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, at DESC, id DESC);
CREATE INDEX audit_log_target_idx ON audit_log (target_id, at DESC, id DESC) WHERE target_id IS NOT NULL;
CREATE INDEX audit_log_action_idx ON audit_log (action, at DESC, id DESC);

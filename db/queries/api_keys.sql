-- name: CreateAPIKey :one
INSERT INTO api_keys (id, name, prefix, secret_hash, scopes, created_by, expires_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)
RETURNING id, name, prefix, scopes, created_by, created_at, expires_at, revoked_at, last_used_at;

-- name: ListAPIKeys :many
-- A page of keys, newest first, after a keyset position (NULL: the first page).
SELECT id, name, prefix, scopes, created_by, created_at, expires_at, revoked_at, last_used_at
FROM api_keys
WHERE sqlc.narg('after_created')::timestamptz IS NULL
   OR (created_at, id) < (sqlc.narg('after_created'), sqlc.narg('after_id')::uuid)
ORDER BY created_at DESC, id DESC
LIMIT sqlc.arg('limit');

-- name: RevokeAPIKey :one
-- Revoking twice keeps the first time.
UPDATE api_keys SET revoked_at = coalesce(revoked_at, now())
WHERE id = $1
RETURNING id, name, prefix, scopes, created_by, created_at, expires_at, revoked_at, last_used_at;

-- name: UseAPIKey :one
-- Authenticates a key by its secret's hash, unless revoked or expired, and
-- counts the request: rate_count in the current minute, rate_previous in the
-- one before (zero when the key was idle since). window_elapsed is how far
-- into the current minute the request came, in seconds.
UPDATE api_keys k SET
    last_used_at  = now(),
    rate_window   = date_trunc('minute', now()),
    rate_previous = CASE
        WHEN k.rate_window = date_trunc('minute', now()) THEN k.rate_previous
        WHEN k.rate_window = date_trunc('minute', now()) - interval '1 minute' THEN k.rate_count
        ELSE 0 END,
    rate_count    = CASE WHEN k.rate_window = date_trunc('minute', now()) THEN k.rate_count + 1 ELSE 1 END
WHERE k.secret_hash = $1
  AND k.revoked_at IS NULL
  AND (k.expires_at IS NULL OR k.expires_at > now())
RETURNING k.id, k.name, k.scopes, k.expires_at, k.rate_count, k.rate_previous,
    extract(epoch FROM now() - date_trunc('minute', now()))::float8 AS window_elapsed;

-- name: CountAPIKeyUses :many
-- Adds the requests an API process counted since its last call (counts, the
-- last at lasts) to each key, as UseAPIKey counts one, and returns each key's
-- counts as every process made them. The keys come sorted, so two processes
-- lock the same rows in the same order.
UPDATE api_keys k SET
    last_used_at  = greatest(k.last_used_at, u.last),
    rate_window   = date_trunc('minute', now()),
    rate_previous = CASE
        WHEN k.rate_window = date_trunc('minute', now()) THEN k.rate_previous
        WHEN k.rate_window = date_trunc('minute', now()) - interval '1 minute' THEN k.rate_count
        ELSE 0 END,
    rate_count    = CASE WHEN k.rate_window = date_trunc('minute', now()) THEN k.rate_count + u.n ELSE u.n END
FROM (SELECT unnest(sqlc.arg('ids')::uuid[]) AS id, unnest(sqlc.arg('counts')::int[]) AS n,
             unnest(sqlc.arg('lasts')::timestamptz[]) AS last) u
WHERE k.id = u.id
RETURNING k.id, k.rate_count, k.rate_previous;

-- name: RecordAudit :exec
INSERT INTO audit_log (id, actor_type, actor_id, actor, role, action, method, path,
    target_type, target_id, status, client_address, request_id, detail)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14);

-- name: ListAudit :many
-- A page of records, newest first, after a keyset position (NULL: the first
-- page); each filter is skipped when NULL.
SELECT * FROM audit_log
WHERE (sqlc.narg('actor_id')::uuid IS NULL OR actor_id = sqlc.narg('actor_id'))
  AND (sqlc.narg('action')::text IS NULL OR action = sqlc.narg('action'))
  AND (sqlc.narg('target_id')::text IS NULL OR target_id = sqlc.narg('target_id'))
  AND (sqlc.narg('from')::timestamptz IS NULL OR at >= sqlc.narg('from'))
  AND (sqlc.narg('to')::timestamptz IS NULL OR at < sqlc.narg('to'))
  AND (sqlc.narg('after_at')::timestamptz IS NULL
       OR (at, id) < (sqlc.narg('after_at'), sqlc.narg('after_id')::uuid))
ORDER BY at DESC, id DESC
LIMIT sqlc.arg('limit');

-- name: PurgeAudit :execrows
-- Removes up to max_rows records made before @before.
DELETE FROM audit_log WHERE id IN (
    SELECT old.id FROM audit_log old WHERE old.at < @before LIMIT @max_rows
);

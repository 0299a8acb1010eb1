-- name: CreateWebhook :one
INSERT INTO webhook_endpoints (url, description, event_types, enabled, secret)
VALUES (@url, @description, @event_types, @enabled, @secret)
RETURNING *;

-- name: GetWebhook :one
SELECT * FROM webhook_endpoints WHERE id = $1;

-- name: ListWebhooks :many
SELECT * FROM webhook_endpoints
WHERE (sqlc.narg('after_created')::timestamptz IS NULL
       OR (created_at, id) < (sqlc.narg('after_created'), sqlc.narg('after_id')::uuid))
ORDER BY created_at DESC, id DESC
LIMIT sqlc.arg('limit');

-- name: CountWebhooks :one
SELECT count(*) FROM webhook_endpoints;

-- name: UpdateWebhook :one
-- Changes what is given; enabling clears the reason it was disabled and the
-- run of failures that led there.
UPDATE webhook_endpoints SET
    url = coalesce(sqlc.narg('url'), url),
    description = coalesce(sqlc.narg('description'), description),
    event_types = coalesce(sqlc.narg('event_types')::text[], event_types),
    enabled = coalesce(sqlc.narg('enabled'), enabled),
    disabled_reason = CASE WHEN sqlc.narg('enabled')::boolean THEN '' ELSE disabled_reason END,
    failing_since = CASE WHEN sqlc.narg('enabled')::boolean AND NOT enabled THEN NULL ELSE failing_since END
WHERE id = sqlc.arg('id')
RETURNING *;

-- name: DeleteWebhook :execrows
DELETE FROM webhook_endpoints WHERE id = $1;

-- name: RotateWebhookSecret :one
-- The new secret signs from now on; the old one signs beside it until
-- previous_secret_expires_at.
UPDATE webhook_endpoints SET
    previous_secret = secret, previous_secret_expires_at = now() + make_interval(secs => @overlap_seconds::float8),
    secret = @secret
WHERE id = @id
RETURNING *;

-- name: DisableWebhook :one
-- No row when it was disabled already: the one who disables it tells.
UPDATE webhook_endpoints SET enabled = false, disabled_reason = @reason, idle = false
WHERE id = @id AND enabled
RETURNING *;

-- name: AbandonDeliveries :execrows
-- What a disabled or deleted endpoint was still to get.
UPDATE webhook_deliveries SET state = 'abandoned', next_attempt_at = NULL
WHERE endpoint_id = $1 AND state = 'pending';

-- name: WebhookFailed :one
-- Starts the endpoint's run of failures at now, unless one runs already.
UPDATE webhook_endpoints SET failing_since = coalesce(failing_since, @now::timestamptz)
WHERE id = @id
RETURNING failing_since::timestamptz;

-- name: WebhookSucceeded :exec
UPDATE webhook_endpoints SET failing_since = NULL WHERE id = $1 AND failing_since IS NOT NULL;

-- name: SetWebhookIdle :exec
UPDATE webhook_endpoints SET idle = @idle WHERE id = @id AND idle <> @idle;

-- name: WakeIdleWebhooks :many
-- Endpoints whose workflow sleeps while a delivery is due: marked awake,
-- so that one waker signals each once.
UPDATE webhook_endpoints w SET idle = false
WHERE w.idle AND w.enabled AND EXISTS (
    SELECT 1 FROM webhook_deliveries d
    WHERE d.endpoint_id = w.id AND d.state = 'pending' AND d.next_attempt_at <= now()
)
RETURNING w.id;

-- name: EnabledWebhookIDs :many
SELECT id FROM webhook_endpoints WHERE enabled ORDER BY id;

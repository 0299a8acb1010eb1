-- name: DueDeliveries :many
-- The endpoint's deliveries due at now, each the oldest pending one of its
-- order (an order's events go out in order), with their events.
SELECT sqlc.embed(d), sqlc.embed(e)
FROM webhook_deliveries d JOIN events e ON e.seq = d.event_seq
WHERE d.endpoint_id = @endpoint_id AND d.state = 'pending' AND d.next_attempt_at <= @now::timestamptz
  AND NOT EXISTS (
      SELECT 1 FROM webhook_deliveries p
      WHERE p.endpoint_id = d.endpoint_id AND p.state = 'pending' AND p.order_id = d.order_id
        AND p.event_seq < d.event_seq)
ORDER BY d.event_seq
LIMIT @max_rows;

-- name: NextDueDelivery :one
-- When the endpoint's next delivery that is not waiting behind its order's
-- earlier one is due; no row when nothing is pending.
SELECT d.next_attempt_at::timestamptz
FROM webhook_deliveries d
WHERE d.endpoint_id = @endpoint_id AND d.state = 'pending'
  AND NOT EXISTS (
      SELECT 1 FROM webhook_deliveries p
      WHERE p.endpoint_id = d.endpoint_id AND p.state = 'pending' AND p.order_id = d.order_id
        AND p.event_seq < d.event_seq)
ORDER BY d.next_attempt_at
LIMIT 1;

-- name: RecordAttempts :exec
-- Appends each delivery's attempt and sets where it stands (next_attempt_at
-- only while pending), in one statement for a pump's batch; a delivery no
-- longer pending (abandoned meanwhile) is left as it is.
UPDATE webhook_deliveries d SET
    attempts = d.attempts || jsonb_build_array((@attempts::jsonb[])[i]),
    state = (@states::text[])[i],
    next_attempt_at = CASE WHEN (@states::text[])[i] = 'pending' THEN (@next_attempts::timestamptz[])[i] END
FROM generate_subscripts(@ids::uuid[], 1) AS i
WHERE d.id = (@ids::uuid[])[i] AND d.state = 'pending';

-- name: ListDeliveries :many
SELECT sqlc.embed(d), e.id AS event_id, e.type AS event_type
FROM webhook_deliveries d JOIN events e ON e.seq = d.event_seq
WHERE d.endpoint_id = @endpoint_id
  AND (sqlc.narg('state')::text IS NULL OR d.state = sqlc.narg('state'))
  AND (sqlc.narg('after_created')::timestamptz IS NULL
       OR (d.created_at, d.id) < (sqlc.narg('after_created'), sqlc.narg('after_id')::uuid))
ORDER BY d.created_at DESC, d.id DESC
LIMIT sqlc.arg('limit');

-- name: CountDeliveries :one
SELECT count(*) FROM webhook_deliveries
WHERE endpoint_id = @endpoint_id AND (sqlc.narg('state')::text IS NULL OR state = sqlc.narg('state'));

-- name: GetDelivery :one
SELECT sqlc.embed(d), e.id AS event_id, e.type AS event_type
FROM webhook_deliveries d JOIN events e ON e.seq = d.event_seq
WHERE d.id = @id AND d.endpoint_id = @endpoint_id;

-- name: Redeliver :one
-- The delivery's event again, as a new delivery due now.
INSERT INTO webhook_deliveries (endpoint_id, event_seq, order_id, next_attempt_at)
SELECT o.endpoint_id, o.event_seq, o.order_id, now() FROM webhook_deliveries o
WHERE o.id = @id AND o.endpoint_id = @endpoint_id
RETURNING id;

-- name: OldestPendingDelivery :one
-- How long the oldest undelivered delivery has waited, in seconds (0: none).
SELECT coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8 AS seconds
FROM webhook_deliveries WHERE state = 'pending';

-- name: PurgeSettledDeliveries :execrows
-- Removes up to max_rows deliveries settled (delivered, failed or
-- abandoned) before @before; pending ones stay, whatever their age.
DELETE FROM webhook_deliveries WHERE id IN (
    SELECT old.id FROM webhook_deliveries old WHERE old.state <> 'pending' AND old.updated_at < @before ORDER BY old.updated_at LIMIT @max_rows
);

-- name: CreateRefund :one
INSERT INTO refunds (id, order_id, amount_cents, lines, reason, status, source, actor, provider_ref)
VALUES (@id, @order_id, @amount_cents, @lines, @reason, @status, @source, @actor, sqlc.narg('provider_ref'))
RETURNING *;

-- name: GetRefund :one
SELECT * FROM refunds WHERE id = $1;

-- name: GetRefundByProviderRef :one
SELECT * FROM refunds WHERE provider_ref = $1 FOR UPDATE;

-- name: ListRefunds :many
SELECT * FROM refunds WHERE order_id = $1 ORDER BY created_at, id;

-- name: SettleRefund :one
UPDATE refunds SET status = @status, provider_ref = coalesce(sqlc.narg('provider_ref'), provider_ref), failure = sqlc.narg('failure')
WHERE id = @id AND status = 'pending'
RETURNING *;

-- name: SetRefundStatus :exec
UPDATE refunds SET status = @status WHERE id = @id;

-- name: RefundedQuantities :many
-- How many of each line the order's refunds (but the failed) gave back.
SELECT (l ->> 'line_no')::integer AS line_no, sum((l ->> 'quantity')::integer)::integer AS quantity
FROM refunds, jsonb_array_elements(refunds.lines) AS l
WHERE refunds.order_id = $1 AND refunds.status <> 'failed'
GROUP BY 1;

-- name: AddProviderEvent :one
-- No row when the event was taken before.
INSERT INTO provider_events (id, provider, type) VALUES ($1, $2, $3)
ON CONFLICT (id) DO NOTHING
RETURNING id;

-- name: PurgeProviderEvents :execrows
-- Forgets up to max_rows provider events taken before @before (the
-- provider stops redelivering an event after days).
DELETE FROM provider_events WHERE id IN (
    SELECT old.id FROM provider_events old WHERE old.received_at < @before ORDER BY old.received_at LIMIT @max_rows
);

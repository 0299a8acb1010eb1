-- name: AddOrderEvent :exec
-- Idempotent: a retried activity writes its event once.
INSERT INTO order_events (order_id, type, from_status, to_status, actor, detail, dedupe_key)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (order_id, dedupe_key) DO NOTHING;

-- name: ListOrderEvents :many
SELECT * FROM order_events WHERE order_id = $1 ORDER BY id;

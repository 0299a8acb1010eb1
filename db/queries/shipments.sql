-- name: GetShipment :one
SELECT * FROM shipments WHERE order_id = $1;

-- name: CreateShipment :exec
INSERT INTO shipments (order_id, status, carrier, carrier_ref)
VALUES ($1, 'requested', $2, $3)
ON CONFLICT (order_id) DO NOTHING;

-- name: CancelShipment :exec
UPDATE shipments SET status = 'cancelled' WHERE order_id = $1 AND status = 'requested';

-- name: MarkShipped :exec
-- The carrier and tracking given when it shipped replace the request's.
UPDATE shipments SET status = 'shipped', shipped_at = coalesce(shipped_at, now()),
    carrier = coalesce(sqlc.narg('carrier'), carrier),
    tracking_number = coalesce(sqlc.narg('tracking_number'), tracking_number),
    tracking_url = coalesce(sqlc.narg('tracking_url'), tracking_url)
WHERE order_id = @order_id AND status IN ('requested', 'shipped');

-- name: MarkDelivered :exec
UPDATE shipments SET status = 'delivered', delivered_at = coalesce(delivered_at, now())
WHERE order_id = $1 AND status IN ('shipped', 'delivered');

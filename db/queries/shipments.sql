-- name: GetShipment :one
SELECT * FROM shipments WHERE order_id = $1;

-- name: CreateShipment :exec
INSERT INTO shipments (order_id, status, carrier, carrier_ref)
VALUES ($1, 'requested', $2, $3)
ON CONFLICT (order_id) DO NOTHING;

-- name: SetShipmentStatus :exec
UPDATE shipments SET status = $2 WHERE order_id = $1;

-- name: CreateReservation :execrows
-- 0 rows: this order already has a reservation (a retried activity).
INSERT INTO stock_reservations (order_id) VALUES ($1)
ON CONFLICT (order_id) DO NOTHING;

-- name: SetReservationState :execrows
-- Moves a held reservation on; 0 rows when it was already moved (retries).
UPDATE stock_reservations SET state = sqlc.arg('state')
WHERE order_id = sqlc.arg('order_id') AND state = 'held';

-- name: GetReservation :one
SELECT * FROM stock_reservations WHERE order_id = $1;

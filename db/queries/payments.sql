-- name: GetPayment :one
SELECT * FROM payments WHERE order_id = $1;

-- name: CreatePayment :exec
INSERT INTO payments (order_id, status, amount_cents, currency, gateway, gateway_ref)
VALUES ($1, 'authorized', $2, $3, $4, $5)
ON CONFLICT (order_id) DO NOTHING;

-- name: SetPaymentStatus :exec
UPDATE payments SET status = $2 WHERE order_id = $1;

-- name: GetPayment :one
SELECT * FROM payments WHERE order_id = $1;

-- name: GetPaymentByRef :one
SELECT * FROM payments WHERE gateway = $1 AND gateway_ref = $2;

-- name: CreatePayment :exec
INSERT INTO payments (order_id, status, amount_cents, currency, gateway, gateway_ref, expires_at)
VALUES ($1, 'authorized', $2, $3, $4, $5, $6)
ON CONFLICT (order_id) DO NOTHING;

-- name: ReplaceAuthorization :exec
-- A new authorization in place of one about to lapse.
UPDATE payments SET gateway_ref = @gateway_ref, authorized_at = now(), expires_at = @expires_at, reauthorized = true
WHERE order_id = @order_id AND status = 'authorized';

-- name: CapturePayment :exec
UPDATE payments SET status = 'captured', captured_cents = amount_cents
WHERE order_id = $1 AND status = 'authorized';

-- name: VoidPayment :exec
UPDATE payments SET status = 'voided' WHERE order_id = $1 AND status = 'authorized';

-- name: AddRefunded :one
-- Holds (a positive delta) or gives back (a negative one) a refund's amount
-- against the payment; no row when the payment was not captured or the
-- refunded total would leave 0..captured.
UPDATE payments SET refunded_cents = refunded_cents + @delta_cents,
    status = CASE WHEN refunded_cents + @delta_cents = 0 THEN 'captured'
                  WHEN refunded_cents + @delta_cents = captured_cents THEN 'refunded'
                  ELSE 'partially_refunded' END
WHERE order_id = @order_id AND status IN ('captured', 'partially_refunded', 'refunded')
  AND refunded_cents + @delta_cents BETWEEN 0 AND captured_cents
RETURNING *;

-- name: SetDispute :exec
UPDATE payments SET dispute_status = @status, disputed_cents = @amount_cents WHERE order_id = @order_id;

-- name: LockPayment :one
-- The payment, locked until the transaction ends: refunds of one order
-- judge what is left one after the other.
SELECT * FROM payments WHERE order_id = $1 FOR UPDATE;

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

-- name: RestockReturned :execrows
-- Puts a return's goods of one product back on hand, once (0 rows: done by
-- an earlier attempt), with the adjustment that says why.
WITH adjustment AS (
    INSERT INTO stock_adjustments (product_id, delta, on_hand_after, reason, return_id)
    SELECT i.product_id, @quantity::integer, i.on_hand + @quantity::integer, @reason::text, @return_id::uuid
    FROM inventory i WHERE i.product_id = @product_id::uuid
    ON CONFLICT (return_id, product_id) WHERE return_id IS NOT NULL DO NOTHING
    RETURNING stock_adjustments.product_id
)
UPDATE inventory SET on_hand = on_hand + @quantity::integer
WHERE inventory.product_id IN (SELECT adjustment.product_id FROM adjustment);

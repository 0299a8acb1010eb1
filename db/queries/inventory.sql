-- name: CreateInventory :exec
INSERT INTO inventory (product_id, on_hand) VALUES ($1, $2)
ON CONFLICT (product_id) DO NOTHING;

-- name: LockInventory :one
-- Holds the row for an adjustment decided on what is on hand now.
SELECT * FROM inventory WHERE product_id = $1 FOR UPDATE;

-- name: AdjustOnHand :one
-- The table's check constraint refuses an adjustment below what is reserved.
UPDATE inventory SET on_hand = on_hand + sqlc.arg('delta')
WHERE product_id = sqlc.arg('product_id')
RETURNING *;

-- name: RecordStockAdjustment :one
INSERT INTO stock_adjustments (product_id, delta, on_hand_after, reason, actor_id)
VALUES ($1, $2, $3, $4, $5)
RETURNING *;

-- name: ListStockAdjustments :many
SELECT * FROM stock_adjustments WHERE product_id = $1
ORDER BY created_at DESC, id DESC
LIMIT $2;

-- name: ReserveStock :execrows
-- Reserves only when enough is free; 0 rows means out of stock.
UPDATE inventory SET reserved = reserved + sqlc.arg('quantity')
WHERE product_id = sqlc.arg('product_id') AND on_hand - reserved >= sqlc.arg('quantity');

-- name: ReleaseStock :exec
UPDATE inventory SET reserved = reserved - sqlc.arg('quantity')
WHERE product_id = sqlc.arg('product_id');

-- name: CommitStock :exec
-- Shipped: the goods leave the warehouse.
UPDATE inventory SET reserved = reserved - sqlc.arg('quantity'), on_hand = on_hand - sqlc.arg('quantity')
WHERE product_id = sqlc.arg('product_id');

-- name: GetInventory :one
SELECT * FROM inventory WHERE product_id = $1;

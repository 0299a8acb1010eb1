-- name: UnstartedOrders :many
-- Orders accepted before @before whose workflow never started.
SELECT id, status, created_at FROM orders
WHERE workflow_started_at IS NULL AND created_at < @before
  AND (created_at, id) > (@after_created::timestamptz, @after_id::uuid)
ORDER BY created_at, id
LIMIT @max_rows;

-- name: OrdersInStatus :many
-- Started orders in @status, unchanged since @before, newest first.
SELECT id, status, created_at FROM orders
WHERE status = @status::order_status AND workflow_started_at IS NOT NULL AND updated_at < @before
  AND (created_at, id) < (@after_created::timestamptz, @after_id::uuid)
ORDER BY created_at DESC, id DESC
LIMIT @max_rows;

-- name: HeldReservationsOfSettledOrders :many
-- Reservations still held by orders past confirmed (or ended).
SELECT r.order_id, o.status FROM stock_reservations r JOIN orders o ON o.id = r.order_id
WHERE r.state = 'held' AND o.status NOT IN ('pending', 'awaiting_approval', 'confirmed') AND r.order_id > @after_id
ORDER BY r.order_id
LIMIT @max_rows;

-- name: LapsedAuthorizations :many
-- Authorizations still open past their lifetime.
SELECT p.order_id, o.status, p.expires_at FROM payments p JOIN orders o ON o.id = p.order_id
WHERE p.status = 'authorized' AND p.expires_at < now() AND p.order_id > @after_id
ORDER BY p.order_id
LIMIT @max_rows;

-- name: AddFinding :exec
INSERT INTO reconciliation_findings (run_id, kind, order_id, detail, repaired)
VALUES (@run_id, @kind, @order_id, @detail, @repaired);

-- name: ListFindings :many
-- Newest first, after a keyset position (NULL: the first page).
SELECT * FROM reconciliation_findings
WHERE (sqlc.narg('kind')::text IS NULL OR kind = sqlc.narg('kind'))
  AND (sqlc.narg('after_found')::timestamptz IS NULL
       OR (found_at, id) < (sqlc.narg('after_found'), sqlc.narg('after_id')::uuid))
ORDER BY found_at DESC, id DESC
LIMIT @max_rows;

-- name: PurgeFindings :execrows
DELETE FROM reconciliation_findings WHERE id IN (
    SELECT old.id FROM reconciliation_findings old WHERE old.found_at < @before ORDER BY old.found_at LIMIT @max_rows
);

-- name: OrdersPlacedByStatus :many
SELECT status::text AS status, count(*)::bigint AS orders FROM orders
WHERE created_at >= @since AND created_at < @until
GROUP BY status ORDER BY status;

-- name: RevenueShipped :many
-- What was captured of the orders shipped in the period, per currency.
SELECT p.currency::text AS currency, count(*)::bigint AS orders, sum(p.captured_cents)::bigint AS cents
FROM shipments s JOIN payments p ON p.order_id = s.order_id
WHERE s.shipped_at >= @since::timestamptz AND s.shipped_at < @until::timestamptz
GROUP BY p.currency ORDER BY p.currency;

-- name: RefundsSettled :many
-- The refunds that went through in the period, per currency.
SELECT o.currency::text AS currency, count(*)::bigint AS refunds, sum(r.amount_cents)::bigint AS cents
FROM refunds r JOIN orders o ON o.id = r.order_id
WHERE r.status = 'succeeded' AND r.updated_at >= @since AND r.updated_at < @until
GROUP BY o.currency ORDER BY o.currency;

-- name: LowStockProducts :many
-- Active products whose available stock is at or below their threshold.
SELECT p.id, p.sku, p.name, p.low_stock_threshold, (i.on_hand - i.reserved)::integer AS available
FROM products p JOIN inventory i ON i.product_id = p.id
WHERE p.active AND p.low_stock_threshold > 0 AND i.on_hand - i.reserved <= p.low_stock_threshold
ORDER BY available, p.sku
LIMIT @max_rows;

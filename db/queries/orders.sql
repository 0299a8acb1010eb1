-- name: PlaceOrder :one
-- The order, its lines and its "placed" event in one statement (one round
-- trip, atomic). Returns no row when the customer already used the
-- idempotency key: then nothing is written.
WITH new_order AS (
    INSERT INTO orders (id, customer_id, currency, total_cents, shipping_address, payment_token, idempotency_key, request_hash, trace_context)
    VALUES (@id, @customer_id, @currency, @total_cents, @shipping_address, @payment_token, @idempotency_key, @request_hash, @trace_context)
    ON CONFLICT (customer_id, idempotency_key) DO NOTHING
    RETURNING *
), new_lines AS (
    INSERT INTO order_lines (order_id, line_no, product_id, sku, name, unit_price_cents, quantity)
    SELECT new_order.id, i, (@product_ids::uuid[])[i], (@skus::text[])[i], (@names::text[])[i],
           (@unit_prices_cents::bigint[])[i], (@quantities::integer[])[i]
    FROM new_order, generate_subscripts(@product_ids::uuid[], 1) AS i
), placed AS (
    INSERT INTO order_events (order_id, type, to_status, actor, detail, dedupe_key)
    SELECT new_order.id, 'placed', 'pending', @actor, @detail, 'placed' FROM new_order
)
SELECT * FROM new_order;

-- name: GetOrderByIdempotencyKey :one
SELECT * FROM orders WHERE customer_id = $1 AND idempotency_key = $2;

-- name: GetOrder :one
SELECT * FROM orders WHERE id = $1;

-- name: GetOrderWithLines :one
-- The order, its lines (as arrays in line order), its payment and its
-- shipment (their columns null when there is none) in one round trip.
SELECT sqlc.embed(orders),
       l.product_ids::uuid[] AS product_ids, l.skus::text[] AS skus, l.names::text[] AS names,
       l.unit_prices_cents::bigint[] AS unit_prices_cents, l.quantities::integer[] AS quantities,
       p.status AS payment_status, p.amount_cents AS payment_amount_cents, p.captured_cents AS payment_captured_cents,
       p.refunded_cents AS payment_refunded_cents, p.gateway AS payment_gateway, p.gateway_ref AS payment_gateway_ref,
       p.authorized_at AS payment_authorized_at, p.expires_at AS payment_expires_at, p.reauthorized AS payment_reauthorized,
       p.dispute_status AS payment_dispute_status, p.disputed_cents AS payment_disputed_cents,
       s.status AS shipment_status, s.carrier AS shipment_carrier, s.carrier_ref AS shipment_carrier_ref,
       s.tracking_number AS shipment_tracking_number, s.tracking_url AS shipment_tracking_url,
       s.shipped_at AS shipment_shipped_at, s.delivered_at AS shipment_delivered_at
FROM orders
LEFT JOIN payments p ON p.order_id = orders.id
LEFT JOIN shipments s ON s.order_id = orders.id
CROSS JOIN LATERAL (
    SELECT array_agg(product_id ORDER BY line_no) AS product_ids, array_agg(sku ORDER BY line_no) AS skus,
           array_agg(name ORDER BY line_no) AS names, array_agg(unit_price_cents ORDER BY line_no) AS unit_prices_cents,
           array_agg(quantity ORDER BY line_no) AS quantities
    FROM order_lines WHERE order_id = orders.id
) l
WHERE orders.id = $1;

-- name: GetOrderLines :many
SELECT * FROM order_lines WHERE order_id = $1 ORDER BY line_no;

-- name: ListOrders :many
-- A keyset page in a stable order (newest first, id breaking ties), each
-- order with its lines as arrays in line order; every filter is optional.
SELECT sqlc.embed(orders),
       l.product_ids::uuid[] AS product_ids, l.skus::text[] AS skus, l.names::text[] AS names,
       l.unit_prices_cents::bigint[] AS unit_prices_cents, l.quantities::integer[] AS quantities,
       p.status AS payment_status, p.amount_cents AS payment_amount_cents, p.captured_cents AS payment_captured_cents,
       p.refunded_cents AS payment_refunded_cents, p.gateway AS payment_gateway, p.gateway_ref AS payment_gateway_ref,
       p.authorized_at AS payment_authorized_at, p.expires_at AS payment_expires_at, p.reauthorized AS payment_reauthorized,
       p.dispute_status AS payment_dispute_status, p.disputed_cents AS payment_disputed_cents,
       s.status AS shipment_status, s.carrier AS shipment_carrier, s.carrier_ref AS shipment_carrier_ref,
       s.tracking_number AS shipment_tracking_number, s.tracking_url AS shipment_tracking_url,
       s.shipped_at AS shipment_shipped_at, s.delivered_at AS shipment_delivered_at
FROM orders
LEFT JOIN payments p ON p.order_id = orders.id
LEFT JOIN shipments s ON s.order_id = orders.id
CROSS JOIN LATERAL (
    SELECT array_agg(product_id ORDER BY line_no) AS product_ids, array_agg(sku ORDER BY line_no) AS skus,
           array_agg(name ORDER BY line_no) AS names, array_agg(unit_price_cents ORDER BY line_no) AS unit_prices_cents,
           array_agg(quantity ORDER BY line_no) AS quantities
    FROM order_lines WHERE order_id = orders.id
) l
WHERE (sqlc.narg('customer_id')::uuid IS NULL OR orders.customer_id = sqlc.narg('customer_id'))
  AND (sqlc.narg('status')::order_status IS NULL OR orders.status = sqlc.narg('status'))
  AND (sqlc.narg('created_from')::timestamptz IS NULL OR orders.created_at >= sqlc.narg('created_from'))
  AND (sqlc.narg('created_to')::timestamptz IS NULL OR orders.created_at < sqlc.narg('created_to'))
  AND (sqlc.narg('after_created')::timestamptz IS NULL
       OR (orders.created_at, orders.id) < (sqlc.narg('after_created'), sqlc.narg('after_id')::uuid))
ORDER BY orders.created_at DESC, orders.id DESC
LIMIT sqlc.arg('limit');

-- name: TransitionOrder :one
-- Moves the order from one status to the next; no row when it is not in
-- the expected status (a retry that already moved it, or a conflict).
UPDATE orders SET status = sqlc.arg('to_status'), version = version + 1,
    failure_reason = coalesce(sqlc.narg('failure_reason'), failure_reason)
WHERE id = sqlc.arg('id') AND status = sqlc.arg('from_status')
RETURNING *;

-- name: MarkWorkflowStarted :exec
UPDATE orders SET workflow_started_at = now() WHERE id = $1 AND workflow_started_at IS NULL;

-- name: ClaimUnstartedOrders :many
-- For the outbox relay: leases orders whose workflow is not started yet,
-- oldest first. The statement commits on its own, so no row lock is held
-- while the relay calls Temporal; SKIP LOCKED and the lease let several
-- relays share the work, and a relay that dies leaves a lease that expires.
UPDATE orders SET workflow_claimed_until = now() + make_interval(secs => sqlc.arg('lease_seconds')::float8)
WHERE id IN (
    SELECT id FROM orders
    WHERE workflow_started_at IS NULL
      AND created_at < now() - make_interval(secs => sqlc.arg('min_age_seconds')::float8)
      AND (workflow_claimed_until IS NULL OR workflow_claimed_until < now())
    ORDER BY created_at
    LIMIT sqlc.arg('limit')
    FOR UPDATE SKIP LOCKED)
RETURNING sqlc.embed(orders),
    (SELECT email FROM users WHERE users.id = orders.customer_id)::text AS customer_email,
    (SELECT count(*) FROM order_lines WHERE order_id = orders.id)::integer AS line_count;

-- name: OutboxBacklog :one
-- The orders whose workflow is not started yet, and how long the oldest has
-- waited (0 when none): the outbox metrics.
SELECT count(*)::bigint AS orders,
       coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8 AS oldest_seconds
FROM orders WHERE workflow_started_at IS NULL;

-- name: ReleaseOrderClaims :exec
-- Gives back the leases of orders a relay pass could not start, so the next
-- pass retries them without waiting for the leases to expire.
UPDATE orders SET workflow_claimed_until = NULL
WHERE id = ANY(sqlc.arg('ids')::uuid[]) AND workflow_started_at IS NULL;

-- name: GetCustomerEmail :one
SELECT users.email FROM orders JOIN users ON users.id = orders.customer_id WHERE orders.id = $1;

-- name: ClearIdempotencyKeys :execrows
-- Forgets up to max_rows keys of orders placed before @before (oldest
-- first); a retry under one places a new order.
UPDATE orders SET idempotency_key = NULL WHERE id IN (
    SELECT old.id FROM orders old WHERE old.idempotency_key IS NOT NULL AND old.created_at < @before
    ORDER BY old.created_at LIMIT @max_rows
);

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

const seedUsage = `loadgen seed-scale fills a migrated database with a year of a platform's
history, for make bench-scale: customers, one product, and -orders orders
placed over the past year, each with one line and -events-per-order events
in the feed; -deliveries settled webhook deliveries to one endpoint; and
-audit audit-log entries. Most orders are delivered, some cancelled or
failed, their workflows long closed; the newest 1 % are shipped, with no
workflow to match, for the reconciliation to find. It writes in chunks of
-chunk orders, each a transaction of its own, and prints its progress.

  loadgen seed-scale -database URL -orders 1000000 -events-per-order 10 -deliveries 1000000 -audit 1000000

Flags:
`

// scaleSeed is what seed-scale writes.
type scaleSeed struct {
	orders, eventsPerOrder, deliveries, audit, customers, chunk int
}

// runSeedScale is loadgen's seed-scale command.
func runSeedScale(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flagSet("loadgen seed-scale", seedUsage, stderr)
	database := fs.String("database", "", "the platform's database (migrated)")
	var s scaleSeed
	fs.IntVar(&s.orders, "orders", 1_000_000, "orders")
	fs.IntVar(&s.eventsPerOrder, "events-per-order", 10, "events in the feed per order")
	fs.IntVar(&s.deliveries, "deliveries", 1_000_000, "webhook deliveries, spread over the orders (at most one per event)")
	fs.IntVar(&s.audit, "audit", 1_000_000, "audit-log entries")
	fs.IntVar(&s.customers, "customers", 10_000, "customers the orders are spread over")
	fs.IntVar(&s.chunk, "chunk", 20_000, "orders per transaction")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *database == "" {
		return errors.New("seed-scale: -database is required")
	}
	if s.orders < 1 || s.customers < 1 || s.chunk < 1 || s.eventsPerOrder < 1 || s.eventsPerOrder > len(seedEventTypes) ||
		s.deliveries < 0 || s.deliveries > s.orders*s.eventsPerOrder || s.audit < 0 {
		return fmt.Errorf("seed-scale: need orders, customers, chunk >= 1, events-per-order 1..%d, deliveries 0..orders×events-per-order, audit >= 0", len(seedEventTypes))
	}
	conn, err := pgx.Connect(ctx, *database)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	return s.run(ctx, conn, stdout)
}

// seededEndpoint is the description (and disabled reason) of the webhook
// endpoint seed-scale writes the deliveries to; the lists workload finds it
// by it.
const seededEndpoint = "scale seed"

// seedEventTypes are the feed's events of a delivered order, in order; an
// order gets the first -events-per-order of them.
var seedEventTypes = []string{
	"order.placed", "order.confirmed", "order.shipped", "order.delivered", "order.return_requested",
	"order.return_approved", "order.return_received", "order.return_refunded", "order.partially_refunded", "order.disputed",
}

func (s scaleSeed) run(ctx context.Context, conn *pgx.Conn, out io.Writer) error {
	started := time.Now()
	if _, err := conn.Exec(ctx, "SET synchronous_commit = off"); err != nil {
		return err
	}
	var product, endpoint uuid.UUID
	var customers []uuid.UUID
	err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO users (email, full_name, password_hash, role)
			SELECT 'scale-' || i || '@example.com', 'Scale Customer ' || i, '!seeded: no log-in', 'customer'
			FROM generate_series(1, $1::int) AS i ON CONFLICT (email) DO NOTHING`, s.customers); err != nil {
			return fmt.Errorf("customers: %w", err)
		}
		rows, err := tx.Query(ctx, `SELECT id FROM users WHERE email LIKE 'scale-%@example.com' ORDER BY email LIMIT $1`, s.customers)
		if err != nil {
			return err
		}
		if customers, err = pgx.CollectRows(rows, pgx.RowTo[uuid.UUID]); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `INSERT INTO products (sku, name, price_cents, currency) VALUES ('SCALE-1', 'Scale Seed Mug', 1290, 'EUR')
			ON CONFLICT (sku) DO UPDATE SET name = excluded.name RETURNING id`).Scan(&product); err != nil {
			return fmt.Errorf("product: %w", err)
		}
		// Disabled: the seeded deliveries are settled, and nothing new goes to it.
		return tx.QueryRow(ctx, `INSERT INTO webhook_endpoints (url, description, enabled, disabled_reason, secret)
			VALUES ('https://erp.example.com/hooks', $1, false, $1, 'whsec_c2NhbGVzZWVkc2NhbGVzZWVkc2NhbGVzZWVk') RETURNING id`, seededEndpoint).Scan(&endpoint)
	})
	if err != nil {
		return err
	}
	// Deliveries go to the first events of each order, as evenly as whole
	// events allow: perOrder of every order's, one more of the first extra
	// orders'.
	perOrder, extra := s.deliveries/s.orders, s.deliveries%s.orders
	span := 365 * 24 * time.Hour
	for first := 0; first < s.orders; first += s.chunk {
		n := min(s.chunk, s.orders-first)
		_, err := conn.Exec(ctx, seedChunkSQL, first, n, s.orders, span.Seconds(), customers, product,
			seedEventTypes[:s.eventsPerOrder], endpoint, perOrder, extra)
		if err != nil {
			return fmt.Errorf("orders %d..%d: %w", first, first+n, err)
		}
		fmt.Fprintf(out, "%s orders %d/%d\n", time.Since(started).Round(time.Second), first+n, s.orders)
	}
	for first := 0; first < s.audit; first += s.chunk * 5 {
		n := min(s.chunk*5, s.audit-first)
		if _, err := conn.Exec(ctx, seedAuditSQL, first, n, s.audit, span.Seconds()); err != nil {
			return fmt.Errorf("audit log %d..%d: %w", first, first+n, err)
		}
	}
	fmt.Fprintf(out, "%s audit log %d\n", time.Since(started).Round(time.Second), s.audit)
	if _, err := conn.Exec(ctx, "ANALYZE"); err != nil {
		return err
	}
	fmt.Fprintf(out, "%s seeded and analyzed\n", time.Since(started).Round(time.Second))
	return nil
}

// seedChunkSQL writes orders first..first+n of total: placed evenly over
// the past $4 seconds (the newest last), each with its line, its events
// an hour apart, and its deliveries.
const seedChunkSQL = `
WITH o AS (
    INSERT INTO orders (customer_id, status, currency, total_cents, shipping_address, payment_token,
                        idempotency_key, request_hash, failure_reason, workflow_started_at, created_at, updated_at)
    SELECT ($5::uuid[])[1 + i % cardinality($5::uuid[])],
           (CASE WHEN i >= $3::int - $3::int / 100 THEN 'shipped'
                 WHEN i % 20 = 7 THEN 'cancelled' WHEN i % 50 = 11 THEN 'failed' ELSE 'delivered' END)::order_status,
           'EUR', 1290 * (1 + i % 3),
           '{"name": "Scale Customer", "line1": "1 Seed Street", "city": "Berlin", "postal_code": "10115", "country": "DE"}',
           'tok_approve', 'scale-' || i, 'scale',
           CASE WHEN i % 20 = 7 THEN 'cancelled by the customer' WHEN i % 50 = 11 THEN 'payment declined' END,
           at, at, at + interval '1 day'
    FROM generate_series($1::int, $1::int + $2::int - 1) AS i,
         LATERAL (SELECT now() - interval '3 days' - make_interval(secs => $4::float8 * ($3::int - i) / $3::int) AS at) AS t
    RETURNING id, status, total_cents, created_at, split_part(idempotency_key, '-', 2)::int AS i
), l AS (
    INSERT INTO order_lines (order_id, line_no, product_id, sku, name, unit_price_cents, quantity)
    SELECT o.id, 1, $6::uuid, 'SCALE-1', 'Scale Seed Mug', 1290, o.total_cents / 1290 FROM o
), e AS (
    INSERT INTO events (type, order_id, data, created_at)
    SELECT t.type, o.id,
           jsonb_build_object('id', o.id, 'status', o.status, 'currency', 'EUR', 'total_cents', o.total_cents,
                              'lines', jsonb_build_array(jsonb_build_object('sku', 'SCALE-1', 'quantity', o.total_cents / 1290))),
           o.created_at + make_interval(hours => t.n::int - 1)
    FROM o, unnest($7::text[]) WITH ORDINALITY AS t(type, n)
    RETURNING seq, order_id, type, created_at
)
INSERT INTO webhook_deliveries (endpoint_id, event_seq, order_id, state, attempts, next_attempt_at, created_at, updated_at)
SELECT $8::uuid, e.seq, e.order_id, 'succeeded',
       jsonb_build_array(jsonb_build_object('at', e.created_at, 'status_code', 200, 'latency_ms', 42)),
       NULL, e.created_at, e.created_at
FROM e JOIN o ON o.id = e.order_id
WHERE array_position($7::text[], e.type) <= $9::int + (o.i < $10::int)::int`

// seedAuditSQL writes audit-log entries first..first+n of total, over the
// past $4 seconds: operators' actions on orders.
const seedAuditSQL = `
INSERT INTO audit_log (id, at, actor_type, actor, role, action, method, path, target_type, target_id, status, client_address, request_id)
SELECT gen_random_uuid(), now() - make_interval(secs => $4::float8 * ($3::int - i) / $3::int), 'user',
       'ops' || (i % 7) || '@example.com', 'support', 'cancel-order', 'POST',
       '/api/v1/orders/' || md5(i::text)::uuid || '/cancel', 'order', md5(i::text)::uuid::text, 200, '10.0.0.' || (i % 250), 'scale-' || i
FROM generate_series($1::int, $1::int + $2::int - 1) AS i`

package main

import (
	"io"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/acme/orders/internal/testenv"
)

// TestSeedScaleWritesWhatItIsAsked: a small year, in chunks that do not
// divide it: every order has its line and its events, the deliveries are
// spread one per order and one more for the first orders, each on one of
// the order's first events, nothing is left for the relay, and the newest
// 1 % are shipped (what the reconciliation checks with Temporal).
func TestSeedScaleWritesWhatItIsAsked(t *testing.T) {
	t.Parallel()
	url := testenv.NewDatabase(t)
	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(t.Context())
	s := scaleSeed{orders: 250, eventsPerOrder: 4, deliveries: 300, audit: 130, customers: 7, chunk: 60}
	if err := s.run(t.Context(), conn, io.Discard); err != nil {
		t.Fatal(err)
	}
	for query, want := range map[string]int{
		"SELECT count(*) FROM orders":                                                250,
		"SELECT count(DISTINCT customer_id) FROM orders":                             7,
		"SELECT count(*) FROM order_lines":                                           250,
		"SELECT count(*) FROM events":                                                1000,
		"SELECT count(DISTINCT order_id) FROM events WHERE type = 'order.delivered'": 250,
		"SELECT count(*) FROM webhook_deliveries":                                    300,
		"SELECT count(*) FROM webhook_deliveries d JOIN events e ON e.seq = d.event_seq WHERE e.type NOT IN ('order.placed', 'order.confirmed')": 0,
		"SELECT count(*) FROM (SELECT order_id FROM webhook_deliveries GROUP BY order_id HAVING count(*) = 2) AS two":                            50,
		"SELECT count(*) FROM audit_log":                                                                                                        130,
		"SELECT count(*) FROM orders WHERE workflow_started_at IS NULL":                                                                         0,
		"SELECT count(*) FROM orders WHERE status NOT IN ('delivered', 'cancelled', 'failed')":                                                  2, // the newest 1 %: shipped
		"SELECT count(*) FROM orders WHERE status = 'shipped' AND created_at >= (SELECT max(created_at) FROM orders WHERE status <> 'shipped')": 2,
		"SELECT count(*) FROM orders WHERE status = 'cancelled'":                                                                                13,
		"SELECT count(*) FROM orders WHERE created_at > now() - interval '3 days'":                                                              0,
		"SELECT count(*) FROM webhook_deliveries WHERE state = 'pending'":                                                                       0,
	} {
		var got int
		if err := conn.QueryRow(t.Context(), query).Scan(&got); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		if got != want {
			t.Errorf("%s: %d, want %d", query, got, want)
		}
	}
}

package main

import (
	"io"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/acme/orders/internal/testenv"
)

// TestTheWatchReadsOrdersFromTheDatabase: waitConfirmed waits for the
// orders still pending, beyond its first batch too, tells confirmed from
// ended, and gives up on those pending at its limit; confirmTimes times
// each confirmation from its timeline entry.
func TestTheWatchReadsOrdersFromTheDatabase(t *testing.T) {
	t.Parallel()
	url := testenv.NewDatabase(t)
	pool, err := pgxpool.New(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	conn, err := pool.Acquire(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	const orders, late = watchBatch + 20, watchBatch + 10 // the order still pending: in the second batch
	err = scaleSeed{orders: orders, eventsPerOrder: 1, customers: 1, chunk: orders}.run(t.Context(), conn.Conn(), io.Discard)
	conn.Release()
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	if err := pool.QueryRow(t.Context(), `SELECT array_agg(id::text ORDER BY id) FROM orders`).Scan(&ids); err != nil {
		t.Fatal(err)
	}
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := pool.Exec(t.Context(), sql, args...); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	exec(`UPDATE orders SET status = 'confirmed'`)
	exec(`UPDATE orders SET status = 'cancelled' WHERE id = $1`, ids[0])
	exec(`UPDATE orders SET status = 'pending' WHERE id = $1`, ids[late])
	sent := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for i, id := range ids[1:3] { // confirmed 100 ms and 300 ms after their POSTs
		exec(`INSERT INTO order_events (order_id, type, to_status, dedupe_key, created_at) VALUES ($1, 'confirm', 'confirmed', 'watch-test', $2)`,
			id, sent.Add(time.Duration(100+200*i)*time.Millisecond))
	}
	placed := make([]placedOrder, len(ids))
	for i, id := range ids {
		placed[i] = placedOrder{order: order{ID: id}, sent: sent}
	}
	b := &bench{pool: pool}

	out, err := b.waitConfirmed(t.Context(), placed, 3*watchInterval)
	if err != nil {
		t.Fatal(err)
	}
	if want := (confirmOutcome{confirmed: orders - 2, failed: 1, stuck: 1}); out != want {
		t.Errorf("with one order pending throughout: %+v, want %+v", out, want)
	}
	go func() {
		time.Sleep(4 * watchInterval)
		if _, err := pool.Exec(t.Context(), `UPDATE orders SET status = 'confirmed' WHERE id = $1`, ids[late]); err != nil {
			t.Error(err)
		}
	}()
	out, err = b.waitConfirmed(t.Context(), placed, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if want := (confirmOutcome{confirmed: orders - 1, failed: 1}); out != want {
		t.Errorf("with the last one confirmed meanwhile: %+v, want %+v", out, want)
	}

	timing, err := b.confirmTimes(t.Context(), placed)
	if err != nil {
		t.Fatal(err)
	}
	if timing.confirmed != 2 || !timing.last.Equal(sent.Add(300*time.Millisecond)) || timing.latency.Max != 300 {
		t.Errorf("confirmations %+v, want 2, the last at +300 ms, at most 300 ms after the POST", timing)
	}
}

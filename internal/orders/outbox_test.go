package orders_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/acme/orders/internal/orders"
)

var errDown = errors.New("temporal: connection refused")

// TestOrdersAcceptedWhileTemporalIsDownStartLater: the order commits, its
// start fails, and the relay starts it once the engine answers.
func TestOrdersAcceptedWhileTemporalIsDownStartLater(t *testing.T) {
	f := newFixture(t)
	mug := f.product(100, "EUR", 100)
	f.wf.startErr = errDown
	var placed []orders.Order
	for range 3 {
		placed = append(placed, f.place(f.customer, orders.LineRequest{ProductID: mug, Quantity: 1}))
	}
	if n := f.count("SELECT count(*) FROM orders WHERE workflow_started_at IS NULL"); n != 3 {
		t.Fatalf("%d orders wait for their workflow, want 3", n)
	}

	// Still down: nothing starts, and nothing stays leased for the next pass.
	if n, err := f.svc.StartPending(t.Context(), 0); n != 0 || err != nil {
		t.Fatalf("started %d, %v", n, err)
	}
	if n := f.count("SELECT count(*) FROM orders WHERE workflow_claimed_until IS NOT NULL"); n != 0 {
		t.Fatalf("%d leases kept after a failed pass", n)
	}

	f.wf.startErr = nil
	if n, err := f.svc.StartPending(t.Context(), 0); n != 3 || err != nil {
		t.Fatalf("started %d, %v", n, err)
	}
	for i, s := range f.wf.started() {
		if s.OrderID != placed[i].ID {
			t.Fatalf("start %d is %s, want the oldest first (%s)", i, s.OrderID, placed[i].ID)
		}
	}
	if n, _ := f.svc.StartPending(t.Context(), 0); n != 0 {
		t.Fatalf("a second pass started %d again", n)
	}
}

// TestTheRelayHoldsNoLockWhileItCallsTemporal: while one relay waits on
// Temporal, the order's row can be written, and a second relay does not
// start the same order.
func TestTheRelayHoldsNoLockWhileItCallsTemporal(t *testing.T) {
	f := newFixture(t)
	mug := f.product(100, "EUR", 100)
	f.wf.startErr = errDown
	o := f.place(f.customer, orders.LineRequest{ProductID: mug, Quantity: 1})
	f.wf.startErr = nil
	f.wf.block, f.wf.calling = make(chan struct{}), make(chan struct{}, 1)

	done := make(chan int)
	go func() {
		n, _ := f.svc.StartPending(context.Background(), 0)
		done <- n
	}()
	<-f.wf.calling // the first relay is inside its Temporal call

	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	tx, err := f.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, "SET LOCAL lock_timeout = '1s'"); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, "UPDATE orders SET version = version WHERE id = $1", o.ID); err != nil {
		t.Fatalf("the order's row is locked during the Temporal call: %v", err)
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	f.wf.mu.Lock()
	f.wf.calling = nil
	f.wf.mu.Unlock()
	if n, err := f.service().StartPending(ctx, 0); n != 0 || err != nil {
		t.Fatalf("a second relay started %d (%v) of a leased order", n, err)
	}

	close(f.wf.block)
	if n := <-done; n != 1 || len(f.wf.started()) != 1 {
		t.Fatalf("first relay started %d; starts %d", n, len(f.wf.started()))
	}
	if n := f.count("SELECT count(*) FROM orders WHERE workflow_started_at IS NOT NULL"); n != 1 {
		t.Fatalf("start not recorded")
	}
}

// TestAfterAFailedStartOrdersAreLeftToTheRelay: once a start fails, the
// next orders are accepted without asking Temporal at all (no wait on an
// engine known to be down); the relay starts them, and its success lets
// requests start their own again. No order is started twice.
func TestAfterAFailedStartOrdersAreLeftToTheRelay(t *testing.T) {
	f := newFixture(t)
	mug := f.product(100, "EUR", 100)
	f.wf.startErr = errDown
	first := f.place(f.customer, orders.LineRequest{ProductID: mug, Quantity: 1})
	if n := f.wf.startTries(); n != 1 {
		t.Fatalf("%d start attempts for the first order, want 1", n)
	}
	for range 3 {
		f.place(f.customer, orders.LineRequest{ProductID: mug, Quantity: 1})
	}
	if n := f.wf.startTries(); n != 1 {
		t.Fatalf("%d start attempts after the failure, want none beyond the first", n-1)
	}

	f.wf.startErr = nil
	if n, err := f.svc.StartPending(t.Context(), 0); n != 4 || err != nil {
		t.Fatalf("the relay started %d, %v; want all 4", n, err)
	}
	last := f.place(f.customer, orders.LineRequest{ProductID: mug, Quantity: 1})
	starts := f.wf.started()
	if len(starts) != 5 || starts[0].OrderID != first.ID || starts[4].OrderID != last.ID {
		t.Fatalf("starts %+v: want the 4 relayed, then the new order by its request", starts)
	}
	if n := f.count("SELECT count(*) FROM orders WHERE workflow_started_at IS NULL"); n != 0 {
		t.Fatalf("%d orders still wait for their workflow", n)
	}
}

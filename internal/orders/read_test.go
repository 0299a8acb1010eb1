package orders_test

import (
	"errors"
	"testing"

	"github.com/google/uuid"

	"github.com/acme/orders/internal/access"
	"github.com/acme/orders/internal/orders"
	"github.com/acme/orders/internal/page"
)

func TestOrdersAreVisibleToTheirCustomerAndSuperusers(t *testing.T) {
	f := newFixture(t)
	o := f.place(f.customer, orders.LineRequest{ProductID: f.product(100, "EUR", 5), Quantity: 1})
	stranger := f.user("bob@example.com", access.Customer)
	if _, err := f.svc.Get(t.Context(), stranger, o.ID); !errors.Is(err, orders.ErrNotFound) {
		t.Fatalf("a stranger reads the order: %v", err)
	}
	if _, err := f.svc.Events(t.Context(), stranger, o.ID); !errors.Is(err, orders.ErrNotFound) {
		t.Fatalf("a stranger reads the events: %v", err)
	}
	if _, err := f.svc.Get(t.Context(), f.operator, o.ID); err != nil {
		t.Fatalf("a superuser reads the order: %v", err)
	}
	if _, err := f.svc.Get(t.Context(), f.operator, uuid.New()); !errors.Is(err, orders.ErrNotFound) {
		t.Fatalf("no such order: %v", err)
	}
}

func TestListPagesNewestFirstWithinWhatTheViewerMaySee(t *testing.T) {
	f := newFixture(t)
	mug := f.product(100, "EUR", 100)
	var mine []uuid.UUID
	for range 5 {
		mine = append(mine, f.place(f.customer, orders.LineRequest{ProductID: mug, Quantity: 1}).ID)
	}
	theirs := f.place(f.operator, orders.LineRequest{ProductID: mug, Quantity: 1})

	var seen []uuid.UUID
	filter := orders.Filter{Page: page.Request{Limit: 2}}
	for {
		found, err := f.svc.List(t.Context(), f.customer, filter)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range found.Items {
			seen = append(seen, o.ID)
			if len(o.Lines) != 1 {
				t.Fatalf("a listed order has %d lines", len(o.Lines))
			}
		}
		if found.Next == "" {
			break
		}
		filter.Page.Cursor = found.Next
	}
	if len(seen) != 5 {
		t.Fatalf("the customer saw %d orders, want their 5", len(seen))
	}
	for i := range seen {
		if seen[i] != mine[4-i] {
			t.Fatalf("order %d is %s, want %s (newest first)", i, seen[i], mine[4-i])
		}
	}
	all, err := f.svc.List(t.Context(), f.operator, orders.Filter{Page: page.Request{Limit: 100}})
	if err != nil || len(all.Items) != 6 {
		t.Fatalf("a superuser sees %d, %v", len(all.Items), err)
	}
	only, err := f.svc.List(t.Context(), f.operator, orders.Filter{Page: page.Request{Limit: 100}, CustomerID: &f.operator.ID})
	if err != nil || len(only.Items) != 1 || only.Items[0].ID != theirs.ID {
		t.Fatalf("customer filter: %+v %v", only.Items, err)
	}
	// A customer cannot widen the list to someone else's orders.
	own, err := f.svc.List(t.Context(), f.customer, orders.Filter{Page: page.Request{Limit: 100}, CustomerID: &f.operator.ID})
	if err != nil || len(own.Items) != 5 {
		t.Fatalf("customer with another's filter sees %d, %v", len(own.Items), err)
	}
	none, err := f.svc.List(t.Context(), f.operator, orders.Filter{Page: page.Request{Limit: 100}, Status: orders.StatusFailed})
	if err != nil || len(none.Items) != 0 {
		t.Fatalf("status filter: %d %v", len(none.Items), err)
	}
	for _, bad := range []string{"not-a-cursor", "bm8tc2VwYXJhdG9y"} {
		if _, err := f.svc.List(t.Context(), f.customer, orders.Filter{Page: page.Request{Limit: 2, Cursor: bad}}); !errors.Is(err, page.ErrBadCursor) {
			t.Errorf("cursor %q: %v", bad, err)
		}
	}
}

func TestActAsksTheWorkflowAndReadsTheResult(t *testing.T) {
	f := newFixture(t)
	mug := f.product(100, "EUR", 5)
	o := f.place(f.customer, orders.LineRequest{ProductID: mug, Quantity: 1})
	f.wf.startErr = errDown
	waiting := f.place(f.customer, orders.LineRequest{ProductID: mug, Quantity: 1})
	f.wf.startErr = nil
	if _, _, err := f.svc.Act(t.Context(), f.customer, waiting.ID, orders.ActionCancel, "", nil); !errors.Is(err, orders.ErrWorkflowNotStarted) {
		t.Fatalf("act before the workflow started: %v", err)
	}

	f.wf.done = true
	got, done, err := f.svc.Act(t.Context(), f.customer, o.ID, orders.ActionCancel, "changed my mind", nil)
	if err != nil || !done || got.ID != o.ID || len(got.Lines) != 1 {
		t.Fatalf("act: %+v %v %v", got, done, err)
	}
	if r := f.wf.acts[0]; r.OrderID != o.ID || r.Action != orders.ActionCancel || r.Actor != f.customer.Email || r.Reason != "changed my mind" || r.Wait <= 0 {
		t.Fatalf("asked %+v", r)
	}

	f.wf.actErr = orders.ErrWorkflowClosed
	_, _, err = f.svc.Act(t.Context(), f.customer, o.ID, orders.ActionCancel, "", nil)
	var rejected *orders.RejectedError
	if !errors.As(err, &rejected) || rejected.Reason != "order is pending; its lifecycle is over" {
		t.Fatalf("closed workflow: %v", err)
	}
	stranger := f.user("eve@example.com", access.Customer)
	if _, _, err := f.svc.Act(t.Context(), stranger, o.ID, orders.ActionCancel, "", nil); !errors.Is(err, orders.ErrNotFound) {
		t.Fatalf("a stranger acts: %v", err)
	}
	for _, a := range []orders.Action{orders.ActionApprove, orders.ActionShip, orders.ActionConfirm} { // the lifecycle's: operators', the carrier's, the workflow's
		if _, _, err := f.svc.Act(t.Context(), f.customer, o.ID, a, "", nil); !errors.Is(err, orders.ErrNotAllowed) {
			t.Fatalf("the customer asks for %s: %v", a, err)
		}
	}
}

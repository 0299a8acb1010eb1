package events_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/acme/orders/db"
	"github.com/acme/orders/internal/events"
	"github.com/acme/orders/internal/page"
	"github.com/acme/orders/internal/testenv"
)

type fixture struct {
	t     *testing.T
	pool  *pgxpool.Pool
	store *db.Store
	ev    *events.Store
	user  uuid.UUID
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	pool, _ := testenv.NewPool(t)
	f := &fixture{t: t, pool: pool, store: db.NewStore(pool)}
	f.ev = events.NewStore(f.store, nil)
	u, err := f.store.Q().CreateUser(t.Context(), db.CreateUserParams{Email: "ann@example.com", PasswordHash: "x", IsActive: true, Role: "customer"})
	if err != nil {
		t.Fatal(err)
	}
	f.user = u.ID
	return f
}

// order inserts a bare order for events to be about.
func (f *fixture) order() uuid.UUID {
	f.t.Helper()
	id := uuid.New()
	_, err := f.pool.Exec(f.t.Context(), `INSERT INTO orders (id, customer_id, currency, total_cents, shipping_address, payment_token, idempotency_key, request_hash)
		VALUES ($1, $2, 'EUR', 100, '{}', 'tok', $3, 'h')`, id, f.user, id.String())
	if err != nil {
		f.t.Fatal(err)
	}
	return id
}

// record writes an event in a transaction of its own; fail rolls it back.
func (f *fixture) record(order uuid.UUID, typ string, fail bool) error {
	return f.store.InTx(f.t.Context(), func(q *db.Queries) error {
		if err := events.Record(f.t.Context(), q, typ, order, map[string]any{"id": order, "status": typ}); err != nil {
			return err
		}
		if fail {
			return errors.New("the change fails after its event")
		}
		return nil
	})
}

func (f *fixture) endpoint(types []string, enabled bool) events.Endpoint {
	f.t.Helper()
	e, err := events.NewEndpoints(f.ev, events.URLGuard{AllowPrivate: true}, noWorkflows{}, nil).
		Create(f.t.Context(), events.NewEndpoint{URL: "http://127.0.0.1:1/hooks", EventTypes: types, Enabled: enabled})
	if err != nil {
		f.t.Fatal(err)
	}
	return e
}

type noWorkflows struct{}

func (noWorkflows) WakeEndpoint(_ context.Context, _ uuid.UUID) error { return nil }

// An event commits with its change and its deliveries, or not at all: one
// per enabled endpoint that takes its type.
func TestEventsCommitWithTheirChange(t *testing.T) {
	f := newFixture(t)
	all := f.endpoint(nil, true)
	confirmedOnly := f.endpoint([]string{"order.confirmed"}, true)
	off := f.endpoint(nil, false)
	o := f.order()
	if err := f.record(o, "order.placed", true); err == nil {
		t.Fatal("the failing change committed")
	}
	if err := f.record(o, "order.placed", false); err != nil {
		t.Fatal(err)
	}
	if err := f.record(o, "order.confirmed", false); err != nil {
		t.Fatal(err)
	}
	evs, err := f.ev.After(t.Context(), 0, &o)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 2 || evs[0].Type != "order.placed" || evs[1].Type != "order.confirmed" {
		t.Fatalf("events %+v: the rolled-back one must not be there", evs)
	}
	for _, c := range []struct {
		ep   events.Endpoint
		want int
	}{{all, 2}, {confirmedOnly, 1}, {off, 0}} {
		_, n, err := f.ev.Deliveries(t.Context(), c.ep.ID, events.DeliveryFilter{Page: pageOf(100), Count: true})
		if err != nil {
			t.Fatal(err)
		}
		if *n != int64(c.want) {
			t.Errorf("endpoint %v %v got %d deliveries, want %d", c.ep.EventTypes, c.ep.Enabled, n, c.want)
		}
	}
}

// Of one order only the oldest pending delivery is due: an order's events
// go out in order, while other orders' go beside them.
func TestOnlyTheOldestPendingDeliveryOfAnOrderIsDue(t *testing.T) {
	f := newFixture(t)
	ep := f.endpoint(nil, true)
	a, b := f.order(), f.order()
	for _, e := range []struct {
		o   uuid.UUID
		typ string
	}{{a, "order.placed"}, {b, "order.placed"}, {a, "order.confirmed"}, {b, "order.confirmed"}} {
		if err := f.record(e.o, e.typ, false); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Now().Add(time.Second)
	due, err := f.ev.Due(t.Context(), ep.ID, now, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(due) != 2 || due[0].Event.Type != "order.placed" || due[1].Event.Type != "order.placed" {
		t.Fatalf("due %+v, want each order's order.placed", due)
	}
	// a's first fails and waits for a retry: a's second waits behind it, b moves on.
	retry := now.Add(time.Minute)
	if err := f.ev.Settle(t.Context(), []events.Settled{
		{DeliveryID: due[0].DeliveryID, Attempt: events.Attempt{At: now, StatusCode: 500}, State: events.DeliveryPending, Next: &retry},
		{DeliveryID: due[1].DeliveryID, Attempt: events.Attempt{At: now, StatusCode: 200}, State: events.DeliverySucceeded},
	}); err != nil {
		t.Fatal(err)
	}
	since, err := f.ev.Answered(t.Context(), ep.ID, false, nil, now)
	if err != nil || since == nil || !since.Equal(now.Truncate(time.Microsecond)) {
		t.Fatalf("failing since %v (%v), want %v", since, err, now)
	}
	if again, _ := f.ev.Answered(t.Context(), ep.ID, false, nil, now.Add(time.Hour)); !again.Equal(*since) {
		t.Errorf("a second failure moved the run's start to %v", again)
	}
	if _, err := f.ev.Answered(t.Context(), ep.ID, true, since, now); err != nil {
		t.Fatal(err)
	}
	due, err = f.ev.Due(t.Context(), ep.ID, now, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(due) != 1 || due[0].Event.Type != "order.confirmed" || *due[0].Event.OrderID != b {
		t.Fatalf("due %+v, want b's order.confirmed alone", due)
	}
	next, err := f.ev.NextDue(t.Context(), ep.ID)
	if err != nil || next == nil {
		t.Fatalf("next due %v %v", next, err)
	}
	got, err := f.ev.Endpoint(t.Context(), ep.ID)
	if err != nil || got.FailingSince != nil {
		t.Errorf("after a success the endpoint fails since %v (%v)", got.FailingSince, err)
	}
}

// The retention purge removes old events with their deliveries, and keeps
// the rest.
func TestPurgeRemovesOldEventsAndTheirDeliveries(t *testing.T) {
	f := newFixture(t)
	ep := f.endpoint(nil, true)
	o := f.order()
	for _, typ := range []string{"order.placed", "order.confirmed"} {
		if err := f.record(o, typ, false); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.pool.Exec(t.Context(), `UPDATE events SET created_at = now() - interval '40 days' WHERE type = 'order.placed'`); err != nil {
		t.Fatal(err)
	}
	n, err := f.ev.Purge(t.Context(), time.Now().Add(-30*24*time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("purged %d (%v), want 1", n, err)
	}
	evs, _ := f.ev.After(t.Context(), 0, &o)
	_, deliveries, _ := f.ev.Deliveries(t.Context(), ep.ID, events.DeliveryFilter{Page: pageOf(100), Count: true})
	if len(evs) != 1 || evs[0].Type != "order.confirmed" || deliveries == nil || *deliveries != 1 {
		t.Errorf("after the purge: events %+v, %v deliveries", evs, deliveries)
	}
}

func pageOf(limit int32) page.Request { return page.Request{Limit: limit} }

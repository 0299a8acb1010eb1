package orders_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/acme/orders/internal/events"
	"github.com/acme/orders/internal/orders"
)

// Placing and every status change write one event in their transaction,
// carrying the order as it then reads; a retried change writes none, and a
// refused one writes nothing.
func TestStatusChangesWriteTheirEvents(t *testing.T) {
	f := newFixture(t)
	mug := f.product(1200, "EUR", 5)
	o := f.place(f.customer, orders.LineRequest{ProductID: mug, Quantity: 2})
	eventsOf := func() []events.Event {
		evs, err := events.NewStore(f.store, nil).After(t.Context(), 0, &o.ID)
		if err != nil {
			t.Fatal(err)
		}
		return evs
	}
	placedEvents := eventsOf()
	if len(placedEvents) != 1 || placedEvents[0].Type != events.TypeOrderPlaced {
		t.Fatalf("after placing: %+v", placedEvents)
	}
	store := orders.NewStore(f.store)
	placed, err := store.Get(t.Context(), o.ID)
	if err != nil {
		t.Fatal(err)
	}
	// The event is written in the order's transaction from the row just
	// inserted: it, and Place's answer, are the order as it reads (but for
	// updated_at, which recording the workflow's start moves).
	placed.UpdatedAt = o.UpdatedAt
	reads, _ := jsonOf(orders.ViewOf(placed))
	answered, _ := jsonOf(orders.ViewOf(o))
	carried, _ := jsonOf(placedEvents[0].Object)
	if carried != reads || answered != reads {
		t.Errorf("order.placed carries\n%s\nPlace answered\n%s\nthe order reads\n%s", carried, answered, reads)
	}
	move := orders.Transition{OrderID: o.ID, From: orders.StatusPending, Action: orders.ActionConfirm}
	for range 2 { // the second is an activity's retry after the commit
		if _, _, err := store.Transition(t.Context(), move); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := store.Transition(t.Context(), orders.Transition{OrderID: o.ID, From: orders.StatusPending, Action: orders.ActionHold}); err == nil {
		t.Fatal("a transition from a status the order left succeeded")
	}
	evs := eventsOf()
	if got := []string{evs[0].Type, evs[len(evs)-1].Type}; len(evs) != 2 || !slices.Equal(got, []string{"order.placed", "order.confirmed"}) {
		t.Fatalf("events %+v", evs)
	}
	confirmed, err := store.Get(t.Context(), o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if string(evs[1].Object) == "" || evs[1].Seq <= evs[0].Seq {
		t.Fatalf("event %+v", evs[1])
	}
	want, _ := jsonOf(orders.ViewOf(confirmed))
	got, _ := jsonOf(evs[1].Object)
	if want != got {
		t.Errorf("order.confirmed carries\n%s\nthe order reads\n%s", got, want)
	}
}

// Every status has its event type, which endpoints may subscribe to.
func TestEveryStatusHasAnEventType(t *testing.T) {
	for _, s := range orders.Statuses() {
		if !slices.Contains(events.Types(), events.OrderType(string(s))) {
			t.Errorf("status %s: event type %s is not in events.Types", s, events.OrderType(string(s)))
		}
	}
}

// jsonOf is v as JSON with sorted keys, to compare a stored jsonb object.
func jsonOf(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	var m any
	if err := json.Unmarshal(b, &m); err != nil {
		return "", err
	}
	b, err = json.Marshal(m)
	return string(b), err
}

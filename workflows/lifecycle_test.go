package workflows_test

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/acme/orders/activities"
	"github.com/acme/orders/internal/orders"
)

// TestLifecycleTableDrivesTheWorkflow asks every askable action of a real
// order workflow in every status, and compares what the workflow does with
// the lifecycle table: an allowed action is accepted and takes the order
// where the table says; any other is refused with the table's reason (a
// closed workflow refuses everything, as the table refuses everything of a
// terminal status).
func TestLifecycleTableDrivesTheWorkflow(t *testing.T) {
	l := newLive(t)
	for _, status := range orders.Statuses() {
		for _, action := range orders.Askable() {
			rule := orders.Decide(status, action)
			t.Run(string(status)+"/"+string(action), func(t *testing.T) {
				t.Parallel()
				l := *l
				l.t = t
				id, release := l.bringTo(status)
				_, err := l.ask(id, action, 0) // the answer to the asking: accepted or refused
				release()
				var rejected *orders.RejectedError
				switch {
				case !rule.Allowed && status.Terminal():
					if !errors.Is(err, orders.ErrWorkflowClosed) {
						t.Fatalf("%s of a %s order: %v, want the closed workflow to refuse it", action, status, err)
					}
				case !rule.Allowed:
					if !errors.As(err, &rejected) || rejected.Reason != rule.Refusal {
						t.Fatalf("%s of a %s order: %v, want refused with %q", action, status, err, rule.Refusal)
					}
				case err != nil:
					t.Fatalf("%s of a %s order: %v, want it to lead to %s", action, status, err, rule.Next)
				case rule.Next.Terminal():
					l.finish(id, rule.Next)
				default:
					l.waitFor(id, rule.Next)
				}
			})
		}
	}
}

// bringTo starts an order and takes it to the status. A pending order is
// held there, reserving its stock, until release is called (or the test ends).
func (l *live) bringTo(s orders.Status) (id uuid.UUID, release func()) {
	l.t.Helper()
	switch s {
	case orders.StatusPending:
		id := uuid.New()
		release := l.stubs.hold(id)
		l.t.Cleanup(release)
		l.start(order{id: id, total: 5_000})
		l.waitFor(id, orders.StatusPending)
		return id, release
	case orders.StatusAwaitingApproval:
		id := l.start(order{total: 500_000})
		l.waitFor(id, s)
		return id, func() {}
	case orders.StatusFailed:
		id := uuid.New()
		l.stubs.fail(id, "ReserveStock", activities.ErrTypeOutOfStock, "out of stock")
		l.start(order{id: id, total: 5_000})
		l.finish(id, s)
		return id, func() {}
	}
	// A delivered order stays open for returns for its window.
	id = l.start(order{total: 5_000, payment: orders.PaymentTimes{ReturnWindow: time.Hour}})
	l.waitFor(id, orders.StatusConfirmed)
	steps := map[orders.Status][]orders.Action{
		orders.StatusShipped:   {orders.ActionShip},
		orders.StatusDelivered: {orders.ActionShip, orders.ActionDeliver},
		orders.StatusReturned:  {orders.ActionShip, orders.ActionDeliver},
		orders.StatusCancelled: {orders.ActionCancel},
	}
	for _, a := range steps[s] {
		l.must(id, a)
	}
	if s == orders.StatusReturned { // every unit sent back
		r := uuid.New()
		l.returnStep(id, r, "", line(1, 2), line(2, 1))
		l.returnStep(id, r, orders.ReturnApprove)
		l.returnStep(id, r, orders.ReturnReceive)
	}
	if s.Terminal() {
		l.finish(id, s)
	} else {
		l.waitFor(id, s)
	}
	return id, func() {}
}

// TestStubsStandInForEveryActivity: the stubs have every order and webhook activity,
// under its name, so the live tests run the workflow's every step.
func TestStubsStandInForEveryActivity(t *testing.T) {
	for _, pair := range [][2]reflect.Type{
		{reflect.TypeFor[*activities.Orders](), reflect.TypeFor[*stubOrders]()},
		{reflect.TypeFor[*activities.Webhooks](), reflect.TypeFor[*stubWebhooks]()},
	} {
		real, stub := pair[0], pair[1]
		for i := range real.NumMethod() {
			m := real.Method(i)
			s, ok := stub.MethodByName(m.Name)
			if !ok {
				t.Errorf("no stub for activity %s", m.Name)
				continue
			}
			if s.Type.NumIn() != m.Type.NumIn() || s.Type.In(2) != m.Type.In(2) || s.Type.Out(0) != m.Type.Out(0) {
				t.Errorf("stub %s is %s, the activity %s", m.Name, s.Type, m.Type)
			}
		}
	}
}

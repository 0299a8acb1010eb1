package orders

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"

	"github.com/acme/orders/internal/access"
)

// actionWait bounds how long an action waits for the workflow to finish it
// (a cancel waits for its compensation); past it the action goes on, and
// the caller learns that it was accepted but still runs.
const actionWait = 20 * time.Second

// Act asks the order's workflow for an action (with what is known of the
// shipment, for ship) on behalf of the viewer, who must be a party the
// lifecycle table lets ask it (ErrNotAllowed). The
// workflow decides at once whether the order's state allows it (a refusal
// is a *RejectedError with the table's reason). It returns the order as the
// action left it; done is false when the action was accepted but still runs.
func (s *Service) Act(ctx context.Context, by Viewer, id uuid.UUID, action Action, reason string, shipment *ShipmentDetails) (o Order, done bool, err error) {
	o, err = s.visible(ctx, by, id)
	if err != nil {
		return Order{}, false, err
	}
	if !by.mayAsk(o, action) {
		return Order{}, false, ErrNotAllowed
	}
	if !o.WorkflowStarted {
		return Order{}, false, ErrWorkflowNotStarted
	}
	done, err = s.workflows.Act(ctx, ActRequest{OrderID: id, Action: action, Actor: by.Email, Reason: reason, Shipment: shipment, Wait: actionWait})
	if errors.Is(err, ErrWorkflowClosed) {
		return Order{}, false, &RejectedError{Reason: closedRefusal(o.Status, action)}
	}
	if err != nil {
		return Order{}, false, err
	}
	o, err = s.store.Get(ctx, id)
	return o, done, err
}

// mayAsk tells whether the viewer is a party that may ask for the action:
// an operator (who holds the action's scope) or, of their own order, its
// customer.
func (v Viewer) mayAsk(o Order, a Action) bool {
	if v.Scopes.Has(ActionScope(a)) && MayAsk(PartyOperator, a) {
		return true
	}
	return v.owns(o) && MayAsk(PartyCustomer, a)
}

// ActionScope is the scope an operator needs to ask for an action: ship
// and deliver are fulfilment's, the rest are changes of the order.
func ActionScope(a Action) access.Scope {
	if a == ActionShip || a == ActionDeliver {
		return access.FulfillmentsWrite
	}
	return access.OrdersWrite
}

// closedRefusal is why an action cannot run on an order whose workflow has
// completed: the table's reason for its status, which is final then.
func closedRefusal(s Status, a Action) string {
	if rule := Decide(s, a); !rule.Allowed {
		return rule.Refusal
	}
	return lifecycleOver(s) // a read model that lags its completed workflow
}

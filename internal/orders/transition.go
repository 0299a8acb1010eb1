package orders

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/acme/orders/db"
	"github.com/acme/orders/internal/events"
)

// Transition is an action that moves the read model from one status to the
// next the lifecycle table names, and why.
type Transition struct {
	OrderID uuid.UUID
	From    Status
	Action  Action
	Actor   string // ActorSystem when empty
	Detail  string // the reason, kept as the failure reason of a cancelled or failed order
}

// Transition writes the next status, its timeline entry and its event (the
// order as it then reads) in one transaction and
// returns the status; moved says it wrote them. Retried after a commit, it
// finds the order already moved and succeeds without a second event (moved
// false). An action the table does not allow from From, or an order in
// another status, is ErrInvalidTransition.
func (s *Store) Transition(ctx context.Context, t Transition) (to Status, moved bool, err error) {
	rule := Decide(t.From, t.Action)
	if !rule.Allowed {
		return "", false, fmt.Errorf("%w: %s", ErrInvalidTransition, rule.Refusal)
	}
	to = rule.Next
	err = s.db.InTx(ctx, func(q *db.Queries) error {
		var reason *string
		if to.Ended() {
			reason = &t.Detail
		}
		row, err := q.TransitionOrder(ctx, db.TransitionOrderParams{
			ID: t.OrderID, FromStatus: string(t.From), ToStatus: string(to), FailureReason: reason,
		})
		if errors.Is(err, db.ErrNotFound) {
			order, gerr := q.GetOrder(ctx, t.OrderID)
			switch {
			case errors.Is(gerr, db.ErrNotFound):
				return ErrNotFound
			case gerr != nil:
				return gerr
			case Status(order.Status) == to:
				return nil // a retry: already moved, and its event already written
			}
			return fmt.Errorf("%w: order %s is %s, not %s", ErrInvalidTransition, t.OrderID, order.Status, t.From)
		}
		if err != nil {
			return err
		}
		actor := t.Actor
		if actor == "" {
			actor = ActorSystem
		}
		from, next := string(t.From), string(to)
		moved = true
		if err := q.AddOrderEvent(ctx, db.AddOrderEventParams{
			OrderID: t.OrderID, Type: "status_changed", FromStatus: &from, ToStatus: &next,
			Actor: actor, Detail: t.Detail, DedupeKey: from + "->" + next,
		}); err != nil {
			return err
		}
		return recordOrderEvent(ctx, q, events.OrderType(next), row.ID)
	})
	return to, moved && err == nil, dbErrors.Of(err)
}

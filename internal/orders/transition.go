package orders

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/acme/orders/db"
)

// Transition is a status change of the read model, and why.
type Transition struct {
	OrderID  uuid.UUID
	From, To Status
	Actor    string // "system" when empty
	Detail   string // the reason, kept as the failure reason of a cancelled or failed order
}

// Transition writes the status and its event in one transaction; moved
// says it did. Retried after a commit, it finds the order already moved and
// succeeds without a second event (moved false); an order in any other
// status is ErrInvalidTransition.
func (s *Store) Transition(ctx context.Context, t Transition) (moved bool, err error) {
	err = s.db.InTx(ctx, func(q *db.Queries) error {
		var reason *string
		if t.To.Ended() {
			reason = &t.Detail
		}
		_, err := q.TransitionOrder(ctx, db.TransitionOrderParams{
			ID: t.OrderID, FromStatus: string(t.From), ToStatus: string(t.To), FailureReason: reason,
		})
		if errors.Is(err, db.ErrNotFound) {
			order, gerr := q.GetOrder(ctx, t.OrderID)
			switch {
			case errors.Is(gerr, db.ErrNotFound):
				return ErrNotFound
			case gerr != nil:
				return gerr
			case Status(order.Status) == t.To:
				return nil // a retry: already moved, and its event already written
			}
			return fmt.Errorf("%w: order %s is %s, not %s", ErrInvalidTransition, t.OrderID, order.Status, t.From)
		}
		if err != nil {
			return err
		}
		actor := t.Actor
		if actor == "" {
			actor = "system"
		}
		from, to := string(t.From), string(t.To)
		moved = true
		return q.AddOrderEvent(ctx, db.AddOrderEventParams{
			OrderID: t.OrderID, Type: "status_changed", FromStatus: &from, ToStatus: &to,
			Actor: actor, Detail: t.Detail, DedupeKey: from + "->" + to,
		})
	})
	return moved && err == nil, err
}

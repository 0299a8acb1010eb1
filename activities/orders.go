package activities

import (
	"context"

	"github.com/google/uuid"

	"github.com/acme/orders/internal/catalog"
	"github.com/acme/orders/internal/orders"
)

// Orders holds the order lifecycle's side effects: the read model through
// the order store, the stock through the catalog's, the payment gateway and
// the carrier.
type Orders struct {
	Store    *orders.Store
	Stock    *catalog.Store
	Payments PaymentGateway
	Carrier  Carrier
	Metrics  *orders.Metrics // transitions, declines, refusals; nil: none
}

// TransitionInput is an action that moves an order's read model from its
// status to the next the lifecycle table names, with who and why for its
// timeline.
type TransitionInput struct {
	OrderID uuid.UUID     `json:"order_id"`
	From    orders.Status `json:"from"`
	Action  orders.Action `json:"action"`
	Actor   string        `json:"actor"`
	Detail  string        `json:"detail"`
}

// Transition writes the next status and its event once, however often it is
// retried; an action the table does not allow, or an order in another
// status than From, is a non-retryable failure.
func (o *Orders) Transition(ctx context.Context, in TransitionInput) error {
	to, moved, err := o.Store.Transition(ctx, orders.Transition{
		OrderID: in.OrderID, From: in.From, Action: in.Action, Actor: in.Actor, Detail: in.Detail,
	})
	if moved {
		o.Metrics.Transitioned(ctx, in.From, to)
	}
	return failure(err)
}

// ConfirmOrder authorizes the payment and then takes the transition (confirm,
// or approve after an operator's approval): the status change folded into
// the step that causes it. Both halves are idempotent, so a retry never
// charges twice nor records the change twice; a decline is non-retryable and
// leaves the order where it was.
func (o *Orders) ConfirmOrder(ctx context.Context, in ConfirmInput) error {
	if err := o.authorizePayment(ctx, in.OrderID, in.AuthorizationTTL); err != nil {
		return err
	}
	return o.Transition(ctx, in.TransitionInput)
}

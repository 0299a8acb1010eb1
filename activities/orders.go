package activities

import (
	"context"

	"github.com/google/uuid"

	"github.com/acme/orders/internal/orders"
)

// Orders holds the order lifecycle's side effects: the read model and stock
// through the order store, the payment gateway and the carrier.
type Orders struct {
	Store       *orders.Store
	Payments    PaymentGateway
	Carrier     Carrier
	ProjectName string          // for the e-mails it builds
	Metrics     *orders.Metrics // transitions, declines, refusals; nil: none
}

// TransitionInput moves an order's read model from one status to another
// and records why in its timeline.
type TransitionInput struct {
	OrderID uuid.UUID     `json:"order_id"`
	From    orders.Status `json:"from"`
	To      orders.Status `json:"to"`
	Actor   string        `json:"actor"`
	Detail  string        `json:"detail"`
}

// Transition writes the status and its event once, however often it is
// retried; an order in another status than From is a non-retryable failure.
func (o *Orders) Transition(ctx context.Context, in TransitionInput) error {
	moved, err := o.Store.Transition(ctx, orders.Transition{
		OrderID: in.OrderID, From: in.From, To: in.To, Actor: in.Actor, Detail: in.Detail,
	})
	if moved {
		o.Metrics.Transitioned(ctx, in.From, in.To)
	}
	return failure(err)
}

// ConfirmInput confirms an order once its payment is authorized: the
// transition's From, and who confirms it and why.
type ConfirmInput struct {
	OrderID uuid.UUID     `json:"order_id"`
	From    orders.Status `json:"from"`
	Actor   string        `json:"actor"`
	Detail  string        `json:"detail"`
}

// ConfirmOrder authorizes the payment and moves the order to confirmed: the
// status change folded into the step that causes it. Both halves are
// idempotent, so a retry never charges twice nor records confirmed twice; a
// decline is non-retryable and leaves the order where it was.
func (o *Orders) ConfirmOrder(ctx context.Context, in ConfirmInput) error {
	if err := o.AuthorizePayment(ctx, in.OrderID); err != nil {
		return err
	}
	return o.Transition(ctx, TransitionInput{
		OrderID: in.OrderID, From: in.From, To: orders.StatusConfirmed, Actor: in.Actor, Detail: in.Detail,
	})
}

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
// the step that causes it, with the stock reserved before it and the
// shipment requested after it when the input asks. Every part is
// idempotent, so a retry never reserves or charges twice nor records the
// change twice. Out of stock is non-retryable with nothing reserved; a
// decline is non-retryable and leaves the order where it was, its stock
// reserved if this step reserved it.
func (o *Orders) ConfirmOrder(ctx context.Context, in ConfirmInput) error {
	if in.Reserve {
		if err := o.ReserveStock(ctx, in.OrderID); err != nil {
			return err
		}
	}
	if err := o.authorizePayment(ctx, in.OrderID, in.AuthorizationTTL); err != nil {
		return err
	}
	if err := o.Transition(ctx, in.TransitionInput); err != nil {
		return err
	}
	if in.RequestShipment {
		return o.RequestShipment(ctx, in.OrderID)
	}
	return nil
}

// ShipInput is the ship transition with what the carrier (or an operator)
// said of the shipment.
type ShipInput struct {
	TransitionInput
	Shipment *orders.ShipmentDetails `json:"shipment,omitempty"`
}

// ShipOrder (1.4 workflow) captures the payment, takes the goods out of
// stock, records the shipment as shipped and takes the ship transition, in
// that order: the steps the goods leaving causes, in one step. Each part is
// idempotent, so a retry does each once.
func (o *Orders) ShipOrder(ctx context.Context, in ShipInput) error {
	if err := o.CapturePayment(ctx, in.OrderID); err != nil {
		return err
	}
	if err := o.CommitStock(ctx, in.OrderID); err != nil {
		return err
	}
	if err := o.MarkShipment(ctx, MarkShipmentInput{OrderID: in.OrderID, Status: orders.ShipmentShipped, ShipmentDetails: in.Shipment}); err != nil {
		return err
	}
	return o.Transition(ctx, in.TransitionInput)
}

// DeliverOrder (1.4 workflow) records the shipment as delivered and takes
// the deliver transition; idempotent.
func (o *Orders) DeliverOrder(ctx context.Context, in TransitionInput) error {
	if err := o.MarkShipment(ctx, MarkShipmentInput{OrderID: in.OrderID, Status: orders.ShipmentDelivered}); err != nil {
		return err
	}
	return o.Transition(ctx, in)
}

package activities

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/acme/orders/internal/emails"
	"github.com/acme/orders/internal/orders"
)

// RequestShipment asks the carrier to pick the order up; idempotent.
func (o *Orders) RequestShipment(ctx context.Context, orderID uuid.UUID) error {
	if _, ok, err := o.Store.Shipment(ctx, orderID); ok || err != nil {
		return err
	}
	ref, err := o.Carrier.RequestShipment(ctx, orderID.String())
	if err != nil {
		return err
	}
	return o.Store.RecordShipmentRequest(ctx, orderID, orders.Shipment{Carrier: o.Carrier.Name(), CarrierRef: ref})
}

// CancelShipment withdraws a shipment request that has not shipped.
func (o *Orders) CancelShipment(ctx context.Context, orderID uuid.UUID) error {
	s, ok, err := o.Store.Shipment(ctx, orderID)
	if err != nil || !ok || s.Status != orders.ShipmentRequested {
		return err
	}
	if err := o.Carrier.CancelShipment(ctx, s.CarrierRef); err != nil {
		return err
	}
	return o.Store.SetShipmentStatus(ctx, orderID, orders.ShipmentCancelled)
}

// MarkShipmentInput records what the carrier (or an operator) said.
type MarkShipmentInput struct {
	OrderID uuid.UUID             `json:"order_id"`
	Status  orders.ShipmentStatus `json:"status"` // shipped or delivered
}

// MarkShipment records the shipment's progress.
func (o *Orders) MarkShipment(ctx context.Context, in MarkShipmentInput) error {
	return o.Store.SetShipmentStatus(ctx, in.OrderID, in.Status)
}

// confirmationEmail reads the order and its customer's address into the
// order-confirmation e-mail.
func confirmationEmail(ctx context.Context, store *orders.Store, projectName string, orderID uuid.UUID) (EmailRequest, error) {
	order, err := store.Get(ctx, orderID)
	if err != nil {
		return EmailRequest{}, err
	}
	email, err := store.CustomerEmail(ctx, orderID)
	if err != nil {
		return EmailRequest{}, err
	}
	summary := make([]string, len(order.Lines))
	for i, l := range order.Lines {
		summary[i] = fmt.Sprintf("%d x %s (%s) at %s", l.Quantity, l.Name, l.SKU, emails.Money(l.UnitPriceCents, order.Currency))
	}
	return EmailRequest{To: email, Template: emails.OrderConfirmation, Data: emails.Data{
		ProjectName: projectName, Email: email, OrderID: orderID.String(),
		Total: emails.Money(order.TotalCents, order.Currency), Lines: summary,
	}}, nil
}

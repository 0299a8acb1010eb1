package activities

import (
	"context"

	"github.com/google/uuid"

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

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
	return o.Store.CancelShipment(ctx, orderID)
}

// MarkShipmentInput records what the carrier (or an operator) said: the
// shipment's progress and, as it ships, its carrier and tracking.
type MarkShipmentInput struct {
	OrderID uuid.UUID             `json:"order_id"`
	Status  orders.ShipmentStatus `json:"status"` // shipped or delivered
	*orders.ShipmentDetails
}

// MarkShipment records the shipment's progress.
func (o *Orders) MarkShipment(ctx context.Context, in MarkShipmentInput) error {
	if in.Status == orders.ShipmentDelivered {
		return o.Store.MarkDelivered(ctx, in.OrderID)
	}
	var d orders.ShipmentDetails
	if in.ShipmentDetails != nil {
		d = *in.ShipmentDetails
	}
	return o.Store.MarkShipped(ctx, in.OrderID, d)
}

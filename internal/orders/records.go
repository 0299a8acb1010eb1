package orders

import (
	"context"
	"errors"

	"github.com/google/uuid"

	"github.com/acme/orders/db"
)

// What the payment gateway and the carrier said, one record per order. The
// activities read them first, so a retried step never asks twice.

// Payment returns the order's payment; ok is false when there is none yet.
func (s *Store) Payment(ctx context.Context, orderID uuid.UUID) (p Payment, ok bool, err error) {
	row, err := s.db.Q().GetPayment(ctx, orderID)
	if errors.Is(err, db.ErrNotFound) {
		return Payment{}, false, nil
	}
	if err != nil {
		return Payment{}, false, dbErrors.Of(err)
	}
	return paymentFromDB(row), true, nil
}

// RecordAuthorization stores a new authorization; a second one for the same
// order is ignored.
func (s *Store) RecordAuthorization(ctx context.Context, orderID uuid.UUID, p Payment) error {
	return dbErrors.Of(s.db.Q().CreatePayment(ctx, db.CreatePaymentParams{
		OrderID: orderID, AmountCents: p.AmountCents, Currency: p.Currency, Gateway: p.Gateway, GatewayRef: p.GatewayRef,
	}))
}

// SetPaymentStatus records what happened to the payment since.
func (s *Store) SetPaymentStatus(ctx context.Context, orderID uuid.UUID, status PaymentStatus) error {
	return dbErrors.Of(s.db.Q().SetPaymentStatus(ctx, db.SetPaymentStatusParams{OrderID: orderID, Status: string(status)}))
}

// Shipment returns the order's shipment; ok is false when none was requested.
func (s *Store) Shipment(ctx context.Context, orderID uuid.UUID) (sh Shipment, ok bool, err error) {
	row, err := s.db.Q().GetShipment(ctx, orderID)
	if errors.Is(err, db.ErrNotFound) {
		return Shipment{}, false, nil
	}
	if err != nil {
		return Shipment{}, false, dbErrors.Of(err)
	}
	return shipmentFromDB(row), true, nil
}

// RecordShipmentRequest stores a new request to the carrier; a second one for
// the same order is ignored.
func (s *Store) RecordShipmentRequest(ctx context.Context, orderID uuid.UUID, sh Shipment) error {
	return dbErrors.Of(s.db.Q().CreateShipment(ctx, db.CreateShipmentParams{OrderID: orderID, Carrier: sh.Carrier, CarrierRef: sh.CarrierRef}))
}

// SetShipmentStatus records the shipment's progress.
func (s *Store) SetShipmentStatus(ctx context.Context, orderID uuid.UUID, status ShipmentStatus) error {
	return dbErrors.Of(s.db.Q().SetShipmentStatus(ctx, db.SetShipmentStatusParams{OrderID: orderID, Status: string(status)}))
}

package orders

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"

	"github.com/acme/orders/db"
)

// Payment is what the payment provider holds for an order: authorized, then
// captured when the goods ship, then perhaps refunded in part or in full.
type Payment struct {
	Status        PaymentStatus
	AmountCents   int64 // authorized
	CapturedCents int64
	RefundedCents int64 // refunded, and held by refunds still running
	Currency      string
	Gateway       string
	GatewayRef    string
	AuthorizedAt  time.Time
	ExpiresAt     *time.Time // when the authorization lapses, if it does
	Reauthorized  bool       // the authorization was renewed once
	DisputeStatus string     // the provider's dispute, if the customer opened one
	DisputedCents int64
}

// Shipment is what the carrier was asked, and said.
type Shipment struct {
	Status         ShipmentStatus
	Carrier        string
	CarrierRef     string
	TrackingNumber string
	TrackingURL    string
	ShippedAt      *time.Time
	DeliveredAt    *time.Time
}

// ShipmentDetails is what an operator (or the carrier) says of a shipment
// as it leaves; every field is optional.
type ShipmentDetails struct {
	Carrier        string `json:"carrier,omitempty"`
	TrackingNumber string `json:"tracking_number,omitempty"`
	TrackingURL    string `json:"tracking_url,omitempty"`
}

func paymentFromDB(p db.Payment) Payment {
	return Payment{
		Status: PaymentStatus(p.Status), AmountCents: p.AmountCents, CapturedCents: p.CapturedCents, RefundedCents: p.RefundedCents,
		Currency: p.Currency, Gateway: p.Gateway, GatewayRef: p.GatewayRef, AuthorizedAt: p.AuthorizedAt,
		ExpiresAt: p.ExpiresAt, Reauthorized: p.Reauthorized, DisputeStatus: db.TextOf(p.DisputeStatus), DisputedCents: p.DisputedCents,
	}
}

// What the payment provider and the carrier said, one record per order. The
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

// Authorization is what the provider holds on the customer's payment method.
type Authorization struct {
	Gateway     string
	GatewayRef  string
	AmountCents int64
	Currency    string
	ExpiresAt   *time.Time
}

// RecordAuthorization stores a new authorization; a second one for the same
// order is ignored.
func (s *Store) RecordAuthorization(ctx context.Context, orderID uuid.UUID, a Authorization) error {
	return dbErrors.Of(s.db.Q().CreatePayment(ctx, db.CreatePaymentParams{
		OrderID: orderID, AmountCents: a.AmountCents, Currency: a.Currency, Gateway: a.Gateway, GatewayRef: a.GatewayRef, ExpiresAt: a.ExpiresAt,
	}))
}

// ReplaceAuthorization stores the authorization that renews one about to
// lapse, with its timeline entry.
func (s *Store) ReplaceAuthorization(ctx context.Context, orderID uuid.UUID, a Authorization) error {
	return dbErrors.Of(s.db.InTx(ctx, func(q *db.Queries) error {
		if err := q.ReplaceAuthorization(ctx, db.ReplaceAuthorizationParams{OrderID: orderID, GatewayRef: a.GatewayRef, ExpiresAt: a.ExpiresAt}); err != nil {
			return err
		}
		return note(ctx, q, orderID, "payment_reauthorized", ActorSystem, "the payment authorization was renewed before it lapsed", "reauthorized")
	}))
}

// CapturePayment records the authorized amount as taken.
func (s *Store) CapturePayment(ctx context.Context, orderID uuid.UUID) error {
	return dbErrors.Of(s.db.Q().CapturePayment(ctx, orderID))
}

// VoidPayment records the authorization as released.
func (s *Store) VoidPayment(ctx context.Context, orderID uuid.UUID) error {
	return dbErrors.Of(s.db.Q().VoidPayment(ctx, orderID))
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
	return Shipment{Status: ShipmentStatus(row.Status), Carrier: row.Carrier, CarrierRef: row.CarrierRef}, true, nil
}

// RecordShipmentRequest stores a new request to the carrier; a second one for
// the same order is ignored.
func (s *Store) RecordShipmentRequest(ctx context.Context, orderID uuid.UUID, sh Shipment) error {
	return dbErrors.Of(s.db.Q().CreateShipment(ctx, db.CreateShipmentParams{OrderID: orderID, Carrier: sh.Carrier, CarrierRef: sh.CarrierRef}))
}

// CancelShipment records a request withdrawn before it shipped.
func (s *Store) CancelShipment(ctx context.Context, orderID uuid.UUID) error {
	return dbErrors.Of(s.db.Q().CancelShipment(ctx, orderID))
}

// MarkShipped records that the goods left, with what was said of the
// carrier and tracking (empty fields keep what the request had).
func (s *Store) MarkShipped(ctx context.Context, orderID uuid.UUID, d ShipmentDetails) error {
	return dbErrors.Of(s.db.Q().MarkShipped(ctx, db.MarkShippedParams{
		OrderID: orderID, Carrier: db.Text(d.Carrier), TrackingNumber: db.Text(d.TrackingNumber), TrackingUrl: db.Text(d.TrackingURL),
	}))
}

// MarkDelivered records that the goods arrived.
func (s *Store) MarkDelivered(ctx context.Context, orderID uuid.UUID) error {
	return dbErrors.Of(s.db.Q().MarkDelivered(ctx, orderID))
}

// note adds an entry to the order's timeline that is not a status change,
// once per dedupe key.
func note(ctx context.Context, q *db.Queries, orderID uuid.UUID, typ, actor, detail, dedupe string) error {
	return q.AddOrderEvent(ctx, db.AddOrderEventParams{OrderID: orderID, Type: typ, Actor: actor, Detail: detail, DedupeKey: dedupe})
}

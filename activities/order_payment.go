package activities

import (
	"context"
	"errors"

	"github.com/google/uuid"
	"go.temporal.io/sdk/temporal"

	"github.com/acme/orders/internal/orders"
)

// authorizePayment holds the order's total through the gateway, keyed by the
// order ID so a retry never charges twice. A decline is non-retryable.
func (o *Orders) authorizePayment(ctx context.Context, orderID uuid.UUID) error {
	if _, ok, err := o.Store.Payment(ctx, orderID); ok || err != nil {
		return err // authorized by an earlier attempt, or the lookup failed (retried)
	}
	order, err := o.Store.Get(ctx, orderID)
	if err != nil {
		return failure(err)
	}
	ref, err := o.Payments.Authorize(ctx, orderID.String(), order.TotalCents, order.Currency, order.PaymentToken)
	if errors.Is(err, ErrPaymentDeclined) {
		o.Metrics.PaymentDeclined(ctx)
		return temporal.NewNonRetryableApplicationError("payment declined", ErrTypePaymentDeclined, err)
	}
	if err != nil {
		return err
	}
	return o.Store.RecordAuthorization(ctx, orderID, orders.Payment{
		AmountCents: order.TotalCents, Currency: order.Currency, Gateway: o.Payments.Name(), GatewayRef: ref,
	})
}

// CapturePayment takes the authorized money, once the goods ship.
func (o *Orders) CapturePayment(ctx context.Context, orderID uuid.UUID) error {
	p, ok, err := o.Store.Payment(ctx, orderID)
	if err != nil || !ok || p.Status != orders.PaymentAuthorized {
		return err
	}
	if err := o.Payments.Capture(ctx, p.GatewayRef); err != nil {
		return err
	}
	return o.Store.SetPaymentStatus(ctx, orderID, orders.PaymentCaptured)
}

// ReversePayment voids an authorization or refunds a capture; a no-op when
// there is no payment or it was already reversed.
func (o *Orders) ReversePayment(ctx context.Context, orderID uuid.UUID) error {
	p, ok, err := o.Store.Payment(ctx, orderID)
	if err != nil || !ok {
		return err
	}
	switch p.Status {
	case orders.PaymentAuthorized:
		if err := o.Payments.Void(ctx, p.GatewayRef); err != nil {
			return err
		}
		return o.Store.SetPaymentStatus(ctx, orderID, orders.PaymentVoided)
	case orders.PaymentCaptured:
		if err := o.Payments.Refund(ctx, p.GatewayRef); err != nil {
			return err
		}
		return o.Store.SetPaymentStatus(ctx, orderID, orders.PaymentRefunded)
	}
	return nil
}

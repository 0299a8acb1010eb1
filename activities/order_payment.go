package activities

import (
	"context"
	"errors"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"go.temporal.io/sdk/temporal"

	"github.com/acme/orders/db"
)

// AuthorizePayment holds the order's total through the gateway, keyed by the
// order ID so a retry never charges twice. A decline is non-retryable.
func (o *Orders) AuthorizePayment(ctx context.Context, orderID uuid.UUID) error {
	q := db.New(o.DB)
	if _, err := q.GetPayment(ctx, orderID); err == nil {
		return nil // authorized by an earlier attempt
	} else if !errors.Is(err, pgx.ErrNoRows) {
		return err
	}
	order, err := q.GetOrder(ctx, orderID)
	if err != nil {
		return err
	}
	ref, err := o.Payments.Authorize(ctx, orderID.String(), order.TotalCents, order.Currency, order.PaymentToken)
	if errors.Is(err, ErrPaymentDeclined) {
		return temporal.NewNonRetryableApplicationError("payment declined", ErrTypePaymentDeclined, err)
	}
	if err != nil {
		return err
	}
	return q.CreatePayment(ctx, db.CreatePaymentParams{
		OrderID: orderID, AmountCents: order.TotalCents, Currency: order.Currency,
		Gateway: o.Payments.Name(), GatewayRef: ref,
	})
}

// CapturePayment takes the authorized money, once the goods ship.
func (o *Orders) CapturePayment(ctx context.Context, orderID uuid.UUID) error {
	q := db.New(o.DB)
	p, err := q.GetPayment(ctx, orderID)
	if err != nil {
		return err
	}
	if p.Status != "authorized" {
		return nil
	}
	if err := o.Payments.Capture(ctx, p.GatewayRef); err != nil {
		return err
	}
	return q.SetPaymentStatus(ctx, db.SetPaymentStatusParams{OrderID: orderID, Status: "captured"})
}

// ReversePayment voids an authorization or refunds a capture; a no-op when
// there is no payment or it was already reversed.
func (o *Orders) ReversePayment(ctx context.Context, orderID uuid.UUID) error {
	q := db.New(o.DB)
	p, err := q.GetPayment(ctx, orderID)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	switch p.Status {
	case "authorized":
		if err := o.Payments.Void(ctx, p.GatewayRef); err != nil {
			return err
		}
		return q.SetPaymentStatus(ctx, db.SetPaymentStatusParams{OrderID: orderID, Status: "voided"})
	case "captured":
		if err := o.Payments.Refund(ctx, p.GatewayRef); err != nil {
			return err
		}
		return q.SetPaymentStatus(ctx, db.SetPaymentStatusParams{OrderID: orderID, Status: "refunded"})
	}
	return nil
}

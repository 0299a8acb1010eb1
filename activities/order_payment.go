package activities

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/sdk/temporal"

	"github.com/acme/orders/internal/orders"
)

// Idempotency keys: the order (or the refund) and the step, so a retried
// call reaches the provider as the same request.
func paymentKey(orderID uuid.UUID, step string) string { return orderID.String() + ":" + step }

// ConfirmInput is the confirm (or approve) transition, with how long the
// provider holds the authorization it takes. Since the 1.4 workflow, the
// step also reserves the stock first (Reserve: an order with no approval to
// wait for) and requests the shipment once confirmed (RequestShipment).
type ConfirmInput struct {
	TransitionInput
	AuthorizationTTL time.Duration `json:"authorization_ttl,omitempty"`
	Reserve          bool          `json:"reserve,omitempty"`
	RequestShipment  bool          `json:"request_shipment,omitempty"`
}

// authorizePayment holds the order's total through the gateway, keyed by the
// order so a retry never charges twice. A decline is non-retryable.
func (o *Orders) authorizePayment(ctx context.Context, orderID uuid.UUID, ttl time.Duration) error {
	if _, ok, err := o.Store.Payment(ctx, orderID); ok || err != nil {
		return err // authorized by an earlier attempt, or the lookup failed (retried)
	}
	order, err := o.Store.Get(ctx, orderID)
	if err != nil {
		return failure(err)
	}
	auth, err := o.authorize(ctx, order, "authorize", ttl)
	if err != nil {
		return err
	}
	return o.Store.RecordAuthorization(ctx, orderID, auth)
}

// authorize asks the gateway to hold the order's total; the authorization
// lapses when the provider says, or ttl after now.
func (o *Orders) authorize(ctx context.Context, order orders.Order, step string, ttl time.Duration) (orders.Authorization, error) {
	got, err := o.Payments.Authorize(ctx, Authorize{
		Key: paymentKey(order.ID, step), OrderID: order.ID.String(), AmountCents: order.TotalCents, Currency: order.Currency, Token: order.PaymentToken,
	})
	if errors.Is(err, ErrPaymentDeclined) {
		o.Metrics.PaymentDeclined(ctx)
		return orders.Authorization{}, temporal.NewNonRetryableApplicationError("payment declined", ErrTypePaymentDeclined, err)
	}
	if err != nil {
		return orders.Authorization{}, err
	}
	expires := got.ExpiresAt
	if expires == nil && ttl > 0 {
		t := time.Now().Add(ttl)
		expires = &t
	}
	return orders.Authorization{Gateway: o.Payments.Name(), GatewayRef: got.Ref, AmountCents: order.TotalCents, Currency: order.Currency, ExpiresAt: expires}, nil
}

// ReauthorizeInput renews an order's authorization before it lapses.
type ReauthorizeInput struct {
	OrderID          uuid.UUID     `json:"order_id"`
	AuthorizationTTL time.Duration `json:"authorization_ttl"`
}

// ReauthorizePayment renews an unshipped order's authorization, once: a new
// one is taken, the old one voided, and the new one recorded. A decline is
// non-retryable (the old authorization stays, for the cancel to void).
func (o *Orders) ReauthorizePayment(ctx context.Context, in ReauthorizeInput) error {
	p, ok, err := o.Store.Payment(ctx, in.OrderID)
	if err != nil || !ok || p.Status != orders.PaymentAuthorized || p.Reauthorized {
		return err // nothing held, or renewed by an earlier attempt
	}
	order, err := o.Store.Get(ctx, in.OrderID)
	if err != nil {
		return failure(err)
	}
	auth, err := o.authorize(ctx, order, "reauthorize", in.AuthorizationTTL)
	if err != nil {
		return err
	}
	if err := o.Payments.Void(ctx, paymentKey(in.OrderID, "void-lapsing"), p.GatewayRef); err != nil {
		return err
	}
	return o.Store.ReplaceAuthorization(ctx, in.OrderID, auth)
}

// CapturePayment takes the authorized money, once the goods ship.
func (o *Orders) CapturePayment(ctx context.Context, orderID uuid.UUID) error {
	p, ok, err := o.Store.Payment(ctx, orderID)
	if err != nil || !ok || p.Status != orders.PaymentAuthorized {
		return err
	}
	if err := o.Payments.Capture(ctx, paymentKey(orderID, "capture"), p.GatewayRef); err != nil {
		return err
	}
	return o.Store.CapturePayment(ctx, orderID)
}

// ReversePayment voids an authorization or refunds what is left of a
// capture; a no-op when there is no payment or it was already reversed.
func (o *Orders) ReversePayment(ctx context.Context, orderID uuid.UUID) error {
	p, ok, err := o.Store.Payment(ctx, orderID)
	if err != nil || !ok {
		return err
	}
	switch p.Status {
	case orders.PaymentAuthorized:
		if err := o.Payments.Void(ctx, paymentKey(orderID, "void"), p.GatewayRef); err != nil {
			return err
		}
		return o.Store.VoidPayment(ctx, orderID)
	case orders.PaymentCaptured, orders.PaymentPartiallyRefunded:
		_, err := o.Refund(ctx, RefundInput{
			OrderID: orderID, RefundID: uuid.NewSHA1(orderID, []byte("compensation")),
			AmountCents: p.CapturedCents - p.RefundedCents, Reason: "order cancelled", Actor: orders.ActorSystem,
		})
		return err
	}
	return nil
}

// RefundInput is a refund the order's workflow runs: an amount or lines.
type RefundInput struct {
	OrderID     uuid.UUID             `json:"order_id"`
	RefundID    uuid.UUID             `json:"refund_id"`
	AmountCents int64                 `json:"amount_cents,omitempty"`
	Lines       []orders.LineQuantity `json:"lines,omitempty"`
	Reason      string                `json:"reason,omitempty"`
	Actor       string                `json:"actor"`
}

// Refund holds the refund's amount against the payment, asks the provider
// (a transient failure is retried with the same idempotency key) and
// settles it. More than is left to refund is a non-retryable RefundRefused;
// so is the provider's refusal, which gives the amount back.
func (o *Orders) Refund(ctx context.Context, in RefundInput) (orders.RefundView, error) {
	r, err := o.Store.HoldRefund(ctx, in.RefundID, in.OrderID,
		orders.RefundRequest{AmountCents: in.AmountCents, Lines: in.Lines, Reason: in.Reason}, in.Actor)
	if err != nil {
		return orders.RefundView{}, failure(err)
	}
	if r.Status != orders.RefundPending { // settled by an earlier attempt
		return refundOutcome(r)
	}
	p, _, err := o.Store.Payment(ctx, in.OrderID)
	if err != nil {
		return orders.RefundView{}, err
	}
	ref, err := o.Payments.Refund(ctx, RefundCall{
		Key: "refund:" + r.ID.String(), Ref: p.GatewayRef, RefundID: r.ID.String(), AmountCents: r.AmountCents, Reason: r.Reason,
	})
	failed := ""
	switch {
	case errors.Is(err, ErrRefundRefused):
		failed = err.Error()
	case err != nil:
		return orders.RefundView{}, err
	}
	if r, err = o.Store.SettleRefund(ctx, r.ID, ref, failed); err != nil {
		return orders.RefundView{}, err
	}
	return refundOutcome(r)
}

// refundOutcome is a settled refund as the workflow sees it: a failed one
// is a non-retryable RefundRefused with the provider's reason.
func refundOutcome(r orders.Refund) (orders.RefundView, error) {
	if r.Status == orders.RefundFailed {
		return orders.RefundView{}, temporal.NewNonRetryableApplicationError(r.Failure, ErrTypeRefundRefused, nil)
	}
	return orders.RefundViewOf(r), nil
}

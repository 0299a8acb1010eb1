package activities

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/stripe/stripe-go/v82"

	"github.com/acme/orders/internal/orders"
)

// StripeGateway is Stripe as the payment provider, through the official
// client: a PaymentIntent with manual capture per order, created and
// confirmed with the customer's payment method to authorize, captured when
// the goods ship, cancelled to void, refunded in part or in full. Every
// call carries an idempotency key. A card decline is ErrPaymentDeclined
// (final); network errors, 5xx and 429 are returned as they are, for
// Temporal to retry (the client itself does not retry).
type StripeGateway struct {
	client *stripe.Client
}

// NewStripeGateway returns the gateway for a secret key; apiBase, when set,
// is another Stripe API (stripe-mock, a test server).
func NewStripeGateway(secretKey, apiBase string, timeout time.Duration) *StripeGateway {
	cfg := &stripe.BackendConfig{
		HTTPClient:        &http.Client{Timeout: timeout},
		MaxNetworkRetries: stripe.Int64(0),
		LeveledLogger:     &stripe.LeveledLogger{Level: stripe.LevelNull},
	}
	if apiBase != "" {
		cfg.URL = stripe.String(apiBase)
	}
	return &StripeGateway{client: stripe.NewClient(secretKey, stripe.WithBackends(stripe.NewBackendsWithConfig(cfg)))}
}

func (g *StripeGateway) Name() string { return orders.ProviderStripe }

// Authorize creates and confirms a manual-capture PaymentIntent. A token
// (tok_…) becomes a PaymentMethod first; a PaymentMethod (pm_…) is used as
// it is.
func (g *StripeGateway) Authorize(ctx context.Context, a Authorize) (Authorized, error) {
	method := a.Token
	if strings.HasPrefix(method, "tok_") {
		p := &stripe.PaymentMethodCreateParams{Type: stripe.String("card"), Card: &stripe.PaymentMethodCreateCardParams{Token: stripe.String(method)}}
		p.SetIdempotencyKey(a.Key + ":payment-method")
		pm, err := g.client.V1PaymentMethods.Create(ctx, p)
		if err != nil {
			return Authorized{}, stripeError(err, ErrPaymentDeclined)
		}
		method = pm.ID
	}
	p := &stripe.PaymentIntentCreateParams{
		Amount:             stripe.Int64(a.AmountCents),
		Currency:           stripe.String(strings.ToLower(a.Currency)),
		CaptureMethod:      stripe.String(string(stripe.PaymentIntentCaptureMethodManual)),
		Confirm:            stripe.Bool(true),
		PaymentMethod:      stripe.String(method),
		PaymentMethodTypes: []*string{stripe.String("card")},
		Metadata:           map[string]string{"order_id": a.OrderID},
	}
	p.AddExpand("latest_charge") // its card's capture_before: when the authorization lapses
	p.SetIdempotencyKey(a.Key)
	pi, err := g.client.V1PaymentIntents.Create(ctx, p)
	if err != nil {
		return Authorized{}, stripeError(err, ErrPaymentDeclined)
	}
	// Stripe answers a declined confirmation with a card_error (above). An
	// intent that wants the customer to authenticate (3-D Secure) cannot be
	// completed here: no money is held, so it is a decline. (stripe-mock
	// answers every intent with its fixture's status, which is neither.)
	if pi.Status == stripe.PaymentIntentStatusRequiresAction || pi.Status == stripe.PaymentIntentStatusCanceled {
		return Authorized{}, fmt.Errorf("%w: the payment intent is %s", ErrPaymentDeclined, pi.Status)
	}
	out := Authorized{Ref: pi.ID}
	if lc := pi.LatestCharge; lc != nil && lc.PaymentMethodDetails != nil && lc.PaymentMethodDetails.Card != nil && lc.PaymentMethodDetails.Card.CaptureBefore > 0 {
		t := time.Unix(lc.PaymentMethodDetails.Card.CaptureBefore, 0).UTC()
		out.ExpiresAt = &t
	}
	return out, nil
}

func (g *StripeGateway) Capture(ctx context.Context, key, ref string) error {
	p := &stripe.PaymentIntentCaptureParams{}
	p.SetIdempotencyKey(key)
	_, err := g.client.V1PaymentIntents.Capture(ctx, ref, p)
	return stripeError(err, nil)
}

func (g *StripeGateway) Void(ctx context.Context, key, ref string) error {
	p := &stripe.PaymentIntentCancelParams{}
	p.SetIdempotencyKey(key)
	_, err := g.client.V1PaymentIntents.Cancel(ctx, ref, p)
	return stripeError(err, nil)
}

// Refund refunds part or all of the PaymentIntent's charge; the refund
// carries the platform's refund ID, by which the provider's events about it
// are known as the platform's own.
func (g *StripeGateway) Refund(ctx context.Context, r RefundCall) (string, error) {
	p := &stripe.RefundCreateParams{
		PaymentIntent: stripe.String(r.Ref),
		Amount:        stripe.Int64(r.AmountCents),
		Metadata:      map[string]string{orders.RefundIDMetadata: r.RefundID},
	}
	p.SetIdempotencyKey(r.Key)
	re, err := g.client.V1Refunds.Create(ctx, p)
	if err != nil {
		return "", stripeError(err, ErrRefundRefused)
	}
	if re.Status == stripe.RefundStatusFailed || re.Status == stripe.RefundStatusCanceled {
		return "", fmt.Errorf("%w: the refund is %s", ErrRefundRefused, re.Status)
	}
	return re.ID, nil
}

// stripeError sorts Stripe's answer: a card error (and, for final, any
// other 4xx but 409 and 429: a request Stripe will never accept) is final;
// 5xx, 409, 429 and network errors are retryable.
func stripeError(err error, final error) error {
	if err == nil {
		return nil
	}
	var se *stripe.Error
	if !errors.As(err, &se) {
		return fmt.Errorf("%w: %v", ErrGatewayUnavailable, err) // the network
	}
	switch {
	case se.Type == stripe.ErrorTypeCard && final != nil:
		return fmt.Errorf("%w: %s (%s)", final, se.Msg, se.DeclineCode)
	case se.HTTPStatusCode >= 500, se.HTTPStatusCode == http.StatusTooManyRequests, se.HTTPStatusCode == http.StatusConflict:
		return fmt.Errorf("%w: stripe answered %d: %s", ErrGatewayUnavailable, se.HTTPStatusCode, se.Msg)
	case final != nil:
		return fmt.Errorf("%w: stripe answered %d: %s", final, se.HTTPStatusCode, se.Msg)
	}
	// A 4xx to a capture or a void: the request is wrong, and retrying
	// cannot mend it; retried anyway, so an operator sees it in Temporal.
	return fmt.Errorf("stripe answered %d: %s", se.HTTPStatusCode, se.Msg)
}

package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/stripe/stripe-go/v82"
	"github.com/stripe/stripe-go/v82/webhook"

	"github.com/acme/orders/internal/orders"
)

var (
	// errBadSignature: the body is not the provider's, as signed.
	errBadSignature = errors.New("the Stripe-Signature does not verify this body (wrong secret, altered body, or older than 5 minutes)")
	// errProviderEventsOff: no signing secret is configured, so no event can be verified.
	errProviderEventsOff = errors.New("payment provider events are not configured on this server (STRIPE_WEBHOOK_SECRET)")
)

// signatureTolerance is how old a signed event may be: Stripe's own default.
const signatureTolerance = 5 * time.Minute

// StripeEventInput is an event Stripe sends, as sent.
type StripeEventInput struct {
	Signature string `header:"Stripe-Signature" required:"true" doc:"Stripe's signature of the body"`
	RawBody   []byte
}

// StripeEventOutput says whether the event was new.
type StripeEventOutput struct {
	Body struct {
		Received  bool `json:"received"`
		Duplicate bool `json:"duplicate" doc:"The event was received before; nothing changed"`
	}
}

func (h *handlers) registerPaymentEvents(api huma.API) {
	handle(api, h, guarded(anyone, huma.Operation{
		OperationID: "receive-stripe-event", Method: http.MethodPost, Path: "/payments/stripe/events",
		Summary: "Receive an event from Stripe (its webhook endpoint)",
		Description: "Stripe calls this; the Stripe-Signature header is checked against STRIPE_WEBHOOK_SECRET with a tolerance of 5 minutes, " +
			"and a bad signature is answered 400 with nothing changed. An event is taken once (by its id). " +
			"A refund made in Stripe's dashboard (refund.created, refund.updated, refund.failed) is recorded on its order, its timeline and the event feed; " +
			"so is a dispute (charge.dispute.*). Other events are acknowledged.",
		Tags: []string{"payments"}, Errors: []int{http.StatusBadRequest, http.StatusServiceUnavailable},
	}), h.stripeEvent)
}

func (h *handlers) stripeEvent(ctx context.Context, in *StripeEventInput) (*StripeEventOutput, error) {
	secret := h.Options.StripeWebhookSecret
	if secret == "" {
		return nil, errProviderEventsOff
	}
	ev, err := webhook.ConstructEventWithOptions(in.RawBody, in.Signature, secret,
		webhook.ConstructEventOptions{Tolerance: signatureTolerance, IgnoreAPIVersionMismatch: true})
	if err != nil {
		return nil, errBadSignature
	}
	pe, err := providerEvent(ev)
	if err != nil {
		return nil, huma.Error400BadRequest("the event's object cannot be read: " + err.Error())
	}
	taken, err := h.Orders.TakeProviderEvent(ctx, pe)
	if err != nil {
		return nil, err
	}
	out := &StripeEventOutput{}
	out.Body.Received, out.Body.Duplicate = true, !taken
	return out, nil
}

// providerEvent reads what the platform takes from a Stripe event: a
// refund not made by the platform, or a dispute.
func providerEvent(ev stripe.Event) (orders.ProviderEvent, error) {
	pe := orders.ProviderEvent{ID: ev.ID, Provider: orders.ProviderStripe, Type: string(ev.Type)}
	if ev.Data == nil {
		return pe, nil
	}
	switch {
	case strings.HasPrefix(string(ev.Type), "refund.") || ev.Type == "charge.refund.updated":
		var r stripe.Refund
		if err := json.Unmarshal(ev.Data.Raw, &r); err != nil {
			return pe, err
		}
		if r.Metadata[orders.RefundIDMetadata] != "" || r.PaymentIntent == nil {
			return pe, nil // the platform's own refund (its workflow records it), or not a PaymentIntent's
		}
		pe.Refund = &orders.ProviderRefund{
			PaymentRef: r.PaymentIntent.ID, RefundRef: r.ID, AmountCents: r.Amount, Reason: string(r.Reason),
			Failed: r.Status == stripe.RefundStatusFailed || r.Status == stripe.RefundStatusCanceled,
		}
	case strings.HasPrefix(string(ev.Type), "charge.dispute."):
		var d stripe.Dispute
		if err := json.Unmarshal(ev.Data.Raw, &d); err != nil {
			return pe, err
		}
		if d.PaymentIntent == nil {
			return pe, nil
		}
		pe.Dispute = &orders.ProviderDispute{
			PaymentRef: d.PaymentIntent.ID, DisputeRef: d.ID, Status: string(d.Status), AmountCents: d.Amount, Reason: string(d.Reason),
		}
	}
	return pe, nil
}

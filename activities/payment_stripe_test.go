package activities_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/acme/orders/activities"
	"github.com/acme/orders/internal/testenv"
)

func newStripeGateway(t *testing.T) (*activities.StripeGateway, *testenv.StripeMock) {
	t.Helper()
	m := testenv.StartStripeMock(t)
	return activities.NewStripeGateway("sk_test_123", m.URL, 10*time.Second), m
}

// TestStripeGatewayAgainstStripeMock: authorize (a PaymentMethod, and a
// token made into one), capture, void, a partial and a full refund, each
// accepted by stripe-mock's check of Stripe's API and each with its own
// idempotency key.
func TestStripeGatewayAgainstStripeMock(t *testing.T) {
	g, p := newStripeGateway(t)
	ctx := context.Background()
	auth, err := g.Authorize(ctx, activities.Authorize{Key: "o1:authorize", OrderID: "o1", AmountCents: 5_000, Currency: "EUR", Token: "pm_card_visa"})
	if err != nil || !strings.HasPrefix(auth.Ref, "pi_") {
		t.Fatalf("authorize: %+v %v", auth, err)
	}
	if _, err := g.Authorize(ctx, activities.Authorize{Key: "o2:authorize", OrderID: "o2", AmountCents: 5_000, Currency: "EUR", Token: "tok_visa"}); err != nil {
		t.Fatalf("authorize with a token: %v", err)
	}
	if err := g.Capture(ctx, "o1:capture", auth.Ref); err != nil {
		t.Fatalf("capture: %v", err)
	}
	if err := g.Void(ctx, "o2:void", auth.Ref); err != nil {
		t.Fatalf("void: %v", err)
	}
	for _, amount := range []int64{1_500, 3_500} {
		ref, err := g.Refund(ctx, activities.RefundCall{Key: "refund:r" + string(rune('0'+amount/1000)), Ref: auth.Ref, RefundID: "r", AmountCents: amount})
		if err != nil || !strings.HasPrefix(ref, "re_") {
			t.Fatalf("refund of %d: %q %v", amount, ref, err)
		}
	}
	want := []string{
		"POST /v1/payment_intents o1:authorize",
		"POST /v1/payment_methods o2:authorize:payment-method",
		"POST /v1/payment_intents o2:authorize",
		"POST /v1/payment_intents/" + auth.Ref + "/capture o1:capture",
		"POST /v1/payment_intents/" + auth.Ref + "/cancel o2:void",
		"POST /v1/refunds refund:r1",
		"POST /v1/refunds refund:r3",
	}
	if got := p.Calls(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("calls:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestStripeDeclineIsFinal: Stripe's card_error is a decline, which no
// retry changes; a refund Stripe refuses is final too.
func TestStripeDeclineIsFinal(t *testing.T) {
	g, p := newStripeGateway(t)
	p.Fail("/v1/payment_intents", http.StatusPaymentRequired,
		`{"error":{"type":"card_error","code":"card_declined","decline_code":"generic_decline","message":"Your card was declined."}}`)
	_, err := g.Authorize(context.Background(), activities.Authorize{Key: "o:authorize", AmountCents: 100, Currency: "EUR", Token: "pm_card_chargeDeclined"})
	if !errors.Is(err, activities.ErrPaymentDeclined) || !strings.Contains(err.Error(), "generic_decline") {
		t.Fatalf("decline: %v", err)
	}
	p.Fail("/v1/refunds", http.StatusBadRequest,
		`{"error":{"type":"invalid_request_error","code":"charge_already_refunded","message":"Charge has already been refunded."}}`)
	if _, err := g.Refund(context.Background(), activities.RefundCall{Key: "refund:x", Ref: "pi_1", AmountCents: 100}); !errors.Is(err, activities.ErrRefundRefused) {
		t.Fatalf("refused refund: %v", err)
	}
}

// TestStripeTransientFailuresAreRetryable: a 500, a 429 and a 409 are
// transient (Temporal retries the step), and the retry reaches Stripe with
// the same idempotency key.
func TestStripeTransientFailuresAreRetryable(t *testing.T) {
	g, p := newStripeGateway(t)
	p.Fail("/v1/refunds", http.StatusInternalServerError, `{"error":{"type":"api_error","message":"An unknown error occurred"}}`)
	p.Fail("/v1/refunds", http.StatusTooManyRequests, `{"error":{"type":"invalid_request_error","code":"rate_limit","message":"Too many requests"}}`)
	call := activities.RefundCall{Key: "refund:r-1", Ref: "pi_1", RefundID: "r-1", AmountCents: 100}
	for i := range 2 {
		if _, err := g.Refund(context.Background(), call); !errors.Is(err, activities.ErrGatewayUnavailable) || errors.Is(err, activities.ErrRefundRefused) {
			t.Fatalf("attempt %d: %v, want retryable", i+1, err)
		}
	}
	if ref, err := g.Refund(context.Background(), call); err != nil || ref == "" {
		t.Fatalf("third attempt: %q %v", ref, err)
	}
	for _, c := range p.Calls() {
		if c != "POST /v1/refunds refund:r-1" {
			t.Fatalf("a retry with another key: %q", c)
		}
	}
}

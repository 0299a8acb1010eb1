package activities_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/acme/orders/activities"
	"github.com/acme/orders/internal/testenv"
)

// stripeProxy stands between the gateway and stripe-mock: it records each
// request's path and idempotency key, and answers a path with a forced
// status and body (a decline, a 500, a 429) as many times as told.
type stripeProxy struct {
	mu     sync.Mutex
	calls  []string // "POST /v1/refunds key"
	forced map[string][]forced
}

type forced struct {
	status int
	body   string
}

func newStripeGateway(t *testing.T) (*activities.StripeGateway, *stripeProxy) {
	t.Helper()
	mock, err := url.Parse(testenv.StartStripeMock(t))
	if err != nil {
		t.Fatal(err)
	}
	p := &stripeProxy{forced: map[string][]forced{}}
	rp := httputil.NewSingleHostReverseProxy(mock)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		p.calls = append(p.calls, r.Method+" "+r.URL.Path+" "+r.Header.Get("Idempotency-Key"))
		var f *forced
		if q := p.forced[r.URL.Path]; len(q) > 0 {
			f, p.forced[r.URL.Path] = &q[0], q[1:]
		}
		p.mu.Unlock()
		if f != nil {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(f.status)
			_, _ = w.Write([]byte(f.body))
			return
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return activities.NewStripeGateway("sk_test_123", srv.URL, 10*time.Second), p
}

func (p *stripeProxy) force(path string, status int, body string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.forced[path] = append(p.forced[path], forced{status, body})
}

func (p *stripeProxy) log() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.calls...)
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
	if got := p.log(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("calls:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestStripeDeclineIsFinal: Stripe's card_error is a decline, which no
// retry changes; a refund Stripe refuses is final too.
func TestStripeDeclineIsFinal(t *testing.T) {
	g, p := newStripeGateway(t)
	p.force("/v1/payment_intents", http.StatusPaymentRequired,
		`{"error":{"type":"card_error","code":"card_declined","decline_code":"generic_decline","message":"Your card was declined."}}`)
	_, err := g.Authorize(context.Background(), activities.Authorize{Key: "o:authorize", AmountCents: 100, Currency: "EUR", Token: "pm_card_chargeDeclined"})
	if !errors.Is(err, activities.ErrPaymentDeclined) || !strings.Contains(err.Error(), "generic_decline") {
		t.Fatalf("decline: %v", err)
	}
	p.force("/v1/refunds", http.StatusBadRequest,
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
	p.force("/v1/refunds", http.StatusInternalServerError, `{"error":{"type":"api_error","message":"An unknown error occurred"}}`)
	p.force("/v1/refunds", http.StatusTooManyRequests, `{"error":{"type":"invalid_request_error","code":"rate_limit","message":"Too many requests"}}`)
	call := activities.RefundCall{Key: "refund:r-1", Ref: "pi_1", RefundID: "r-1", AmountCents: 100}
	for i := range 2 {
		if _, err := g.Refund(context.Background(), call); !errors.Is(err, activities.ErrGatewayUnavailable) || errors.Is(err, activities.ErrRefundRefused) {
			t.Fatalf("attempt %d: %v, want retryable", i+1, err)
		}
	}
	if ref, err := g.Refund(context.Background(), call); err != nil || ref == "" {
		t.Fatalf("third attempt: %q %v", ref, err)
	}
	for _, c := range p.log() {
		if c != "POST /v1/refunds refund:r-1" {
			t.Fatalf("a retry with another key: %q", c)
		}
	}
}

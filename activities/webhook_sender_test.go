package activities

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/acme/orders/internal/events"
)

func testEvent() events.Event {
	order := uuid.New()
	return events.Event{ID: uuid.New(), Type: "order.confirmed", OrderID: &order, Object: json.RawMessage(`{"status":"confirmed"}`), CreatedAt: time.Now()}
}

// Without WEBHOOK_ALLOW_PRIVATE_URLS the sender refuses, as it dials, an
// address that is private, whatever name led there; with it, it sends a
// signed event.
func TestWebhookSenderRefusesPrivateAddressesAtDialTime(t *testing.T) {
	var body []byte
	var header http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ = io.ReadAll(r.Body)
		header = r.Header.Clone()
	}))
	defer srv.Close()
	e := testEvent()
	secret := "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	url := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1) // a name, resolved as it dials

	refused := NewWebhookSender(time.Second, false).Send(context.Background(), url, []string{secret}, e, time.Now())
	if refused.outcome != events.Retryable || !strings.Contains(refused.attempt.Error, "refused") || body != nil {
		t.Fatalf("a loopback address: %+v, the receiver got %q", refused, body)
	}

	sent := NewWebhookSender(time.Second, true).Send(context.Background(), url, []string{secret}, e, time.Now())
	if sent.outcome != events.Delivered || sent.attempt.StatusCode != http.StatusOK {
		t.Fatalf("allowed: %+v", sent)
	}
	wh, _ := standardwebhooks.NewWebhook(secret)
	if err := wh.Verify(body, header); err != nil || string(body) != string(e.JSON()) || header.Get("webhook-id") != e.ID.String() {
		t.Errorf("signature %v, body %s", err, body)
	}
}

func TestWebhookAnswersAreClassified(t *testing.T) {
	for code, want := range map[int]events.Outcome{
		200: events.Delivered, 204: events.Delivered, 301: events.Refused, 400: events.Refused, 401: events.Refused,
		404: events.Refused, 408: events.Retryable, 410: events.Gone, 429: events.Retryable, 500: events.Retryable, 503: events.Retryable,
	} {
		if got := classify(code); got != want {
			t.Errorf("%d: %d, want %d", code, got, want)
		}
	}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for h, want := range map[string]time.Duration{
		"": 0, "120": 2 * time.Minute, "soon": 0, "-5": 0,
		now.Add(90 * time.Second).Format(http.TimeFormat): 90 * time.Second,
	} {
		if got := retryAfter(h, now); got != want {
			t.Errorf("Retry-After %q: %s, want %s", h, got, want)
		}
	}
}

// A receiver that does not answer within WEBHOOK_TIMEOUT is a retryable
// timeout.
func TestWebhookTimeoutIsRetryable(t *testing.T) {
	block := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-block }))
	defer srv.Close()
	defer close(block)
	res := NewWebhookSender(200*time.Millisecond, true).Send(context.Background(), srv.URL, []string{"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}, testEvent(), time.Now())
	if res.outcome != events.Retryable || res.attempt.StatusCode != 0 || !strings.Contains(res.attempt.Error, "timeout") {
		t.Errorf("%+v", res)
	}
}

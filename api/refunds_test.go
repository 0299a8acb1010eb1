package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	stripewebhook "github.com/stripe/stripe-go/v82/webhook"

	"github.com/acme/orders/internal/orders"
)

type payment struct {
	Provider        string     `json:"provider"`
	Status          string     `json:"status"`
	AuthorizedCents int64      `json:"authorized_cents"`
	CapturedCents   int64      `json:"captured_cents"`
	RefundedCents   int64      `json:"refunded_cents"`
	Reference       string     `json:"reference"`
	ExpiresAt       *time.Time `json:"expires_at"`
	Dispute         *struct {
		Status      string `json:"status"`
		AmountCents int64  `json:"amount_cents"`
	} `json:"dispute"`
}

type moneyOrder struct {
	Status   string   `json:"status"`
	Payment  *payment `json:"payment"`
	Shipment *struct {
		Status         string     `json:"status"`
		Carrier        string     `json:"carrier"`
		TrackingNumber string     `json:"tracking_number"`
		TrackingURL    string     `json:"tracking_url"`
		ShippedAt      *time.Time `json:"shipped_at"`
	} `json:"shipment"`
}

type refund struct {
	ID          string `json:"id"`
	AmountCents int64  `json:"amount_cents"`
	Status      string `json:"status"`
	Source      string `json:"source"`
	Reason      string `json:"reason"`
	Lines       []struct {
		LineNo   int32 `json:"line_no"`
		Quantity int32 `json:"quantity"`
	} `json:"lines"`
}

const stripeSecret = "whsec_test_secret"

// refundPlatform is a platform whose payments go to Stripe's API (on
// stripe-mock) and which takes Stripe's events.
func refundPlatform(t *testing.T) *platform {
	return newPlatform(t, func(s *settings) {
		s.stripe = true
		s.orders.Payment = orders.PaymentTimes{AuthorizationTTL: 168 * time.Hour, ReauthorizeBefore: 24 * time.Hour, ReturnWindow: time.Hour}
		s.http.StripeWebhookSecret = stripeSecret
	})
}

// shippedOrder places 2 mugs at 1,000 and a tee at 500 (2,500), ships it
// with its tracking and returns its ID and the customer's token.
func (p *platform) shippedOrder() (id, token string) {
	p.t.Helper()
	mug, tee := p.newProduct(1000, "EUR", 10), p.newProduct(500, "EUR", 10)
	_, token = p.newUser(false, true)
	_, o := p.place(token, orderBody("tok_visa", line(mug.ID, 2), line(tee.ID, 1)))
	p.waitStatus(token, o.ID, "confirmed")
	for _, bad := range []map[string]any{{"tracking_url": "javascript:alert(1)"}, {"carrier": ""}, {"tracking_number": "<script>"}} {
		if code := p.do(http.MethodPost, "/api/v1/orders/"+o.ID+"/ship", p.admin, bad, nil); code != http.StatusUnprocessableEntity {
			p.t.Fatalf("ship with %v: %d, want 422", bad, code)
		}
	}
	var shipped moneyOrder
	code := p.do(http.MethodPost, "/api/v1/orders/"+o.ID+"/ship", p.admin, map[string]any{
		"carrier": "DHL", "tracking_number": "00340434161094042557", "tracking_url": "https://www.dhl.com/track?id=00340434161094042557",
	}, &shipped)
	if code != http.StatusOK || shipped.Status != "shipped" {
		p.t.Fatalf("ship: %d %+v", code, shipped)
	}
	return o.ID, token
}

// TestRefundsOfAShippedAndDeliveredOrder: the order shows its payment and
// shipment; an operator refunds lines and an amount, never beyond the
// capture even when two refunds race; each refund is listed, on the
// timeline and in the feed.
func TestRefundsOfAShippedAndDeliveredOrder(t *testing.T) {
	t.Parallel()
	p := refundPlatform(t)
	id, token := p.shippedOrder()

	var o moneyOrder
	p.do(http.MethodGet, "/api/v1/orders/"+id, token, nil, &o)
	if o.Payment == nil || o.Payment.Provider != "stripe" || o.Payment.Status != "captured" || o.Payment.AuthorizedCents != 2_500 ||
		o.Payment.CapturedCents != 2_500 || o.Payment.ExpiresAt == nil || o.Shipment == nil || o.Shipment.Carrier != "DHL" ||
		o.Shipment.TrackingNumber != "00340434161094042557" || o.Shipment.ShippedAt == nil {
		t.Fatalf("the customer's view: %+v %+v %+v", o, o.Payment, o.Shipment)
	}
	raw := map[string]any{}
	p.do(http.MethodGet, "/api/v1/orders/"+id, token, nil, &raw)
	if b, _ := json.Marshal(raw); strings.Contains(string(b), "tok_visa") || strings.Contains(string(b), "secret") {
		t.Fatalf("the order shows a payment method or a secret: %s", b)
	}

	if code := p.do(http.MethodPost, "/api/v1/orders/"+id+"/refunds", token, map[string]any{"amount_cents": 100}, nil); code != http.StatusForbidden {
		t.Fatalf("a customer refunds: %d", code)
	}
	for _, bad := range []map[string]any{
		{}, {"amount_cents": 100, "lines": []any{map[string]any{"line_no": 1, "quantity": 1}}},
		{"lines": []any{map[string]any{"line_no": 3, "quantity": 1}}}, {"lines": []any{map[string]any{"line_no": 1, "quantity": 3}}},
		{"amount_cents": -5},
	} {
		if code := p.do(http.MethodPost, "/api/v1/orders/"+id+"/refunds", p.admin, bad, nil); code != http.StatusUnprocessableEntity {
			t.Fatalf("refund %v: %d, want 422", bad, code)
		}
	}
	var r refund
	code := p.do(http.MethodPost, "/api/v1/orders/"+id+"/refunds", p.admin, map[string]any{
		"lines": []any{map[string]any{"line_no": 1, "quantity": 1}}, "reason": "one mug broke",
	}, &r)
	if code != http.StatusOK || r.AmountCents != 1_000 || r.Status != "succeeded" || r.Source != "api" || len(r.Lines) != 1 {
		t.Fatalf("refund of a line: %d %+v", code, r)
	}
	if code, _ := p.act(p.admin, id, "deliver"); code != http.StatusOK {
		t.Fatalf("deliver: %d", code)
	}
	// Two at once of 1,000 each, with 1,500 left: one passes, one is refused.
	codes := make([]int, 2)
	var wg sync.WaitGroup
	for i := range 2 {
		wg.Go(func() {
			codes[i] = p.do(http.MethodPost, "/api/v1/orders/"+id+"/refunds", p.admin, map[string]any{"amount_cents": 1_000}, nil)
		})
	}
	wg.Wait()
	if !(codes[0] == http.StatusOK && codes[1] == http.StatusConflict || codes[0] == http.StatusConflict && codes[1] == http.StatusOK) {
		t.Fatalf("two refunds at once: %v", codes)
	}
	p.do(http.MethodGet, "/api/v1/orders/"+id, p.admin, nil, &o)
	if o.Payment.RefundedCents != 2_000 || o.Payment.Status != "partially_refunded" {
		t.Fatalf("payment after refunds: %+v", o.Payment)
	}
	var list struct{ Data []refund }
	p.do(http.MethodGet, "/api/v1/orders/"+id+"/refunds", token, nil, &list)
	if len(list.Data) != 2 || list.Data[0].Reason != "one mug broke" {
		t.Fatalf("refunds: %+v", list.Data)
	}
	if tl := p.timelineTypes(id); strings.Count(tl, "refunded") != 2 {
		t.Fatalf("timeline: %s", tl)
	}
	var feed struct{ Data []struct{ Type string } }
	p.do(http.MethodGet, "/api/v1/events?order_id="+id+"&type=order.partially_refunded", p.admin, nil, &feed)
	if len(feed.Data) != 2 {
		t.Fatalf("feed: %+v", feed.Data)
	}
}

// TestRefundOfAnUnshippedOrderIsRefused: nothing is captured before ship.
func TestRefundOfAnUnshippedOrderIsRefused(t *testing.T) {
	t.Parallel()
	p := refundPlatform(t)
	mug := p.newProduct(1000, "EUR", 10)
	_, token := p.newUser(false, true)
	_, o := p.place(token, orderBody("pm_card_visa", line(mug.ID, 1)))
	p.waitStatus(token, o.ID, "confirmed")
	if code := p.do(http.MethodPost, "/api/v1/orders/"+o.ID+"/refunds", p.admin, map[string]any{"amount_cents": 100}, nil); code != http.StatusConflict {
		t.Fatalf("refund before ship: %d", code)
	}
}

// stripeEvent posts a Stripe event signed with secret.
func (p *platform) stripeEvent(secret string, body string) int {
	p.t.Helper()
	signed := stripewebhook.GenerateTestSignedPayload(&stripewebhook.UnsignedPayload{Payload: []byte(body), Secret: secret, Timestamp: time.Now()})
	resp := p.api.Do(http.MethodPost, "/api/v1/payments/stripe/events", "Content-Type: application/json",
		"Stripe-Signature: "+signed.Header, bytes.NewReader(signed.Payload))
	return resp.Code
}

// TestStripeEventsRecordDashboardRefundsAndDisputes: a refund and a dispute
// made in Stripe's dashboard reach the order, its timeline and the feed,
// once; a bad signature changes nothing.
func TestStripeEventsRecordDashboardRefundsAndDisputes(t *testing.T) {
	t.Parallel()
	p := refundPlatform(t)
	id, token := p.shippedOrder()
	var o moneyOrder
	p.do(http.MethodGet, "/api/v1/orders/"+id, p.admin, nil, &o)
	ref := o.Payment.Reference
	refundEvent := fmt.Sprintf(`{"id":"evt_r1","object":"event","type":"refund.created","api_version":"2025-01-27.acacia","data":{"object":`+
		`{"id":"re_dash1","object":"refund","amount":700,"currency":"eur","payment_intent":%q,"status":"succeeded","reason":"requested_by_customer","metadata":{}}}}`, ref)

	if code := p.stripeEvent("whsec_wrong", refundEvent); code != http.StatusBadRequest {
		t.Fatalf("bad signature: %d, want 400", code)
	}
	p.do(http.MethodGet, "/api/v1/orders/"+id, p.admin, nil, &o)
	if o.Payment.RefundedCents != 0 {
		t.Fatalf("a badly signed event changed the order: %+v", o.Payment)
	}
	for range 2 { // Stripe redelivers: taken once
		if code := p.stripeEvent(stripeSecret, refundEvent); code != http.StatusOK {
			t.Fatalf("refund event: %d", code)
		}
	}
	ownRefund := fmt.Sprintf(`{"id":"evt_r2","object":"event","type":"refund.created","data":{"object":`+
		`{"id":"re_own","object":"refund","amount":300,"payment_intent":%q,"status":"succeeded","metadata":{"refund_id":"x"}}}}`, ref)
	if code := p.stripeEvent(stripeSecret, ownRefund); code != http.StatusOK {
		t.Fatalf("the platform's own refund: %d", code)
	}
	dispute := fmt.Sprintf(`{"id":"evt_d1","object":"event","type":"charge.dispute.created","data":{"object":`+
		`{"id":"dp_1","object":"dispute","amount":1800,"payment_intent":%q,"status":"needs_response","reason":"fraudulent"}}}`, ref)
	if code := p.stripeEvent(stripeSecret, dispute); code != http.StatusOK {
		t.Fatalf("dispute event: %d", code)
	}
	p.do(http.MethodGet, "/api/v1/orders/"+id, token, nil, &o)
	if o.Payment.RefundedCents != 700 || o.Payment.Dispute == nil || o.Payment.Dispute.Status != "needs_response" || o.Payment.Dispute.AmountCents != 1_800 {
		t.Fatalf("payment after Stripe's events: %+v %+v", o.Payment, o.Payment.Dispute)
	}
	var list struct{ Data []refund }
	p.do(http.MethodGet, "/api/v1/orders/"+id+"/refunds", p.admin, nil, &list)
	if len(list.Data) != 1 || list.Data[0].Source != "provider" || list.Data[0].AmountCents != 700 {
		t.Fatalf("refunds: %+v", list.Data)
	}
	if tl := p.timelineTypes(id); !strings.Contains(tl, "refunded") || !strings.Contains(tl, "dispute") {
		t.Fatalf("timeline: %s", tl)
	}
	var feed struct{ Data []struct{ Type string } }
	p.do(http.MethodGet, "/api/v1/events?order_id="+id, p.admin, nil, &feed)
	types := fmt.Sprint(feed.Data)
	if !strings.Contains(types, "order.partially_refunded") || !strings.Contains(types, "order.disputed") {
		t.Fatalf("feed: %s", types)
	}
}

// timelineTypes is the order's timeline as its entries' types.
func (p *platform) timelineTypes(id string) string {
	p.t.Helper()
	var events struct{ Data []struct{ Type string } }
	if code := p.do(http.MethodGet, "/api/v1/orders/"+id+"/events", p.admin, nil, &events); code != http.StatusOK {
		p.t.Fatalf("events: %d", code)
	}
	return fmt.Sprint(events.Data)
}

// TestRefundRetriedAfterStripeFails: Stripe answers the refund 500 once;
// the order's workflow retries its Refund step, under the same
// idempotency key, and the refund is answered once it went through.
func TestRefundRetriedAfterStripeFails(t *testing.T) {
	t.Parallel()
	p := refundPlatform(t)
	id, _ := p.shippedOrder()
	p.stripe.Fail("/v1/refunds", http.StatusInternalServerError, `{"error":{"type":"api_error","message":"An unknown error occurred"}}`)
	var r refund
	if code := p.do(http.MethodPost, "/api/v1/orders/"+id+"/refunds", p.admin, map[string]any{"amount_cents": 900}, &r); code != http.StatusOK || r.Status != "succeeded" {
		t.Fatalf("refund: %d %+v", code, r)
	}
	var keys []string
	for _, c := range p.stripe.Calls() {
		if strings.HasPrefix(c, "POST /v1/refunds ") {
			keys = append(keys, strings.TrimPrefix(c, "POST /v1/refunds "))
		}
	}
	if len(keys) != 2 || keys[0] != keys[1] || keys[0] != "refund:"+r.ID {
		t.Fatalf("calls to /v1/refunds: %v", keys)
	}
}

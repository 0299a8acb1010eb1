package api_test

import (
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"
)

type order struct {
	ID            string `json:"id"`
	CustomerID    string `json:"customer_id"`
	Status        string `json:"status"`
	Currency      string `json:"currency"`
	TotalCents    int64  `json:"total_cents"`
	FailureReason string `json:"failure_reason"`
	Lines         []struct {
		SKU            string `json:"sku"`
		Name           string `json:"name"`
		UnitPriceCents int64  `json:"unit_price_cents"`
		Quantity       int32  `json:"quantity"`
	} `json:"lines"`
}

var address = map[string]any{
	"name": "Ann Buyer", "line1": "1 Main St", "city": "Berlin", "postal_code": "10115", "country": "DE",
}

func orderBody(token string, lines ...map[string]any) map[string]any {
	return map[string]any{"lines": lines, "shipping_address": address, "payment_token": token}
}

func line(productID string, qty int) map[string]any {
	return map[string]any{"product_id": productID, "quantity": qty}
}

// place posts an order with a fresh Idempotency-Key and returns the answer.
func (p *platform) place(token string, body map[string]any) (int, order) {
	p.t.Helper()
	return p.placeWithKey(token, uuid.NewString(), body)
}

func (p *platform) placeWithKey(token, key string, body map[string]any) (int, order) {
	p.t.Helper()
	resp := p.api.Do(http.MethodPost, "/api/v1/orders/", "Authorization: Bearer "+token, "Idempotency-Key: "+key, body)
	var o order
	if resp.Code < 300 {
		decode(p.t, resp.Body.Bytes(), &o)
		if loc := resp.Header().Get("Location"); loc != "/api/v1/orders/"+o.ID {
			p.t.Errorf("Location %q", loc)
		}
	}
	return resp.Code, o
}

// waitStatus polls the order until it has status want.
func (p *platform) waitStatus(token, id, want string) order {
	p.t.Helper()
	return p.waitUntil(token, id, want, func(o order) bool { return o.Status == want })
}

// waitSettled polls until the order is past pending: confirmed or failed.
func (p *platform) waitSettled(token, id string) order {
	p.t.Helper()
	return p.waitUntil(token, id, "past pending", func(o order) bool { return o.Status != "pending" })
}

func (p *platform) waitUntil(token, id, what string, done func(order) bool) order {
	p.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		var o order
		if code := p.do(http.MethodGet, "/api/v1/orders/"+id, token, nil, &o); code != http.StatusOK {
			p.t.Fatalf("read order: %d", code)
		}
		if done(o) {
			return o
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("order %s is %s (%s), not %s after 60s", id, o.Status, o.FailureReason, what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// act calls an order action and returns its status and the order.
func (p *platform) act(token, id, action string) (int, order) {
	p.t.Helper()
	var o order
	code := p.do(http.MethodPost, "/api/v1/orders/"+id+"/"+action, token, map[string]any{"reason": "test"}, &o)
	return code, o
}

// timeline is the order's statuses in the order it went through them.
func (p *platform) timeline(token, id string) string {
	p.t.Helper()
	var events struct {
		Data []struct {
			ToStatus string `json:"to_status"`
		}
	}
	if code := p.do(http.MethodGet, "/api/v1/orders/"+id+"/events", token, nil, &events); code != http.StatusOK {
		p.t.Fatalf("events: %d", code)
	}
	var path []string
	for _, e := range events.Data {
		path = append(path, e.ToStatus)
	}
	return strings.Join(path, ",")
}

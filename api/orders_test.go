package api_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
)

func TestOrderLifecycle(t *testing.T) {
	t.Parallel()
	p := newPlatform(t)
	mug := p.newProduct(1290, "EUR", 10)
	tee := p.newProduct(2490, "EUR", 5)
	customer, token := p.newUser(false, true)
	_, stranger := p.newUser(false, true)

	code, o := p.place(token, orderBody("tok_approve", line(mug.ID, 2), line(tee.ID, 1)))
	if code != http.StatusCreated || o.Status != "pending" || o.TotalCents != 2*1290+2490 || o.Currency != "EUR" ||
		o.CustomerID != customer.ID || len(o.Lines) != 2 || o.Lines[0].UnitPriceCents != 1290 {
		t.Fatalf("place: %d %+v", code, o)
	}
	// The snapshot holds even when the catalog changes afterwards.
	p.do(http.MethodPatch, "/api/v1/products/"+mug.ID, p.admin, map[string]any{"price_cents": 9999, "name": "Renamed"}, nil)

	o = p.waitStatus(token, o.ID, "confirmed")
	if o.Lines[0].UnitPriceCents != 1290 || o.Lines[0].Name == "Renamed" {
		t.Fatalf("line changed with the catalog: %+v", o.Lines[0])
	}
	if got := p.product(mug.ID); got.Reserved != 2 || got.OnHand != 10 || got.Available != 8 {
		t.Fatalf("stock after confirm: %+v", got)
	}
	p.mail.WaitForMessage(t, customer.Email, "confirmed", 30*time.Second)

	if code := p.do(http.MethodGet, "/api/v1/orders/"+o.ID, stranger, nil, nil); code != http.StatusNotFound {
		t.Fatalf("a stranger reads the order: %d", code)
	}
	if code, _ := p.act(token, o.ID, "ship"); code != http.StatusForbidden {
		t.Fatalf("customer ships: %d", code)
	}
	if code, _ := p.act(p.admin, o.ID, "deliver"); code != http.StatusConflict {
		t.Fatalf("deliver before ship: %d", code)
	}
	if code, shipped := p.act(p.admin, o.ID, "ship"); code != http.StatusOK || shipped.Status != "shipped" {
		t.Fatalf("ship: %d %+v", code, shipped)
	}
	if got := p.product(mug.ID); got.Reserved != 0 || got.OnHand != 8 {
		t.Fatalf("stock after ship: %+v", got)
	}
	if code, _ := p.act(token, o.ID, "cancel"); code != http.StatusConflict {
		t.Fatalf("cancel after ship: %d, want 409", code)
	}
	if code, done := p.act(p.admin, o.ID, "deliver"); code != http.StatusOK || done.Status != "delivered" {
		t.Fatalf("deliver: %d %+v", code, done)
	}
	if code, _ := p.act(p.admin, o.ID, "deliver"); code != http.StatusConflict {
		t.Fatalf("deliver twice: %d", code)
	}
	payment, _, err := p.orders().Payment(p.ctx(), uuid.MustParse(o.ID))
	if err != nil || payment.Status != "captured" || payment.AmountCents != o.TotalCents {
		t.Fatalf("payment %+v %v", payment, err)
	}

	var events struct {
		Data []struct {
			Type     string `json:"type"`
			ToStatus string `json:"to_status"`
			Actor    string `json:"actor"`
		}
	}
	p.do(http.MethodGet, "/api/v1/orders/"+o.ID+"/events", token, nil, &events)
	var got []string
	for _, e := range events.Data {
		got = append(got, e.ToStatus)
	}
	if strings.Join(got, ",") != "pending,confirmed,shipped,delivered" || events.Data[2].Actor != adminEmail {
		t.Fatalf("timeline %+v", events.Data)
	}

	// A product that orders reference is deactivated, not deleted: the order keeps its lines.
	if code := p.do(http.MethodDelete, "/api/v1/products/"+mug.ID, p.admin, nil, nil); code != http.StatusOK {
		t.Fatalf("delete an ordered product: %d", code)
	}
	if got := p.product(mug.ID); got.Active {
		t.Fatalf("ordered product still active after delete: %+v", got)
	}
}

func TestCancelGivesStockAndMoneyBack(t *testing.T) {
	t.Parallel()
	p := newPlatform(t)
	mug := p.newProduct(1290, "EUR", 10)
	_, token := p.newUser(false, true)
	_, o := p.place(token, orderBody("tok_approve", line(mug.ID, 4)))
	p.waitStatus(token, o.ID, "confirmed")

	code, cancelled := p.act(token, o.ID, "cancel")
	if code != http.StatusOK || cancelled.Status != "cancelled" {
		t.Fatalf("cancel: %d %+v", code, cancelled)
	}
	if got := p.product(mug.ID); got.Reserved != 0 || got.OnHand != 10 {
		t.Fatalf("stock after cancel: %+v", got)
	}
	id := uuid.MustParse(o.ID)
	payment, _, _ := p.orders().Payment(p.ctx(), id)
	shipment, _, _ := p.orders().Shipment(p.ctx(), id)
	if payment.Status != "voided" || shipment.Status != "cancelled" {
		t.Fatalf("payment %s, shipment %s", payment.Status, shipment.Status)
	}
	if code, _ := p.act(token, o.ID, "cancel"); code != http.StatusConflict {
		t.Fatalf("cancel twice: %d", code)
	}
}

func TestApprovalAboveThreshold(t *testing.T) {
	t.Parallel()
	p := newPlatform(t)
	machine := p.newProduct(129_900, "EUR", 5)
	_, token := p.newUser(false, true)

	_, approved := p.place(token, orderBody("tok_approve", line(machine.ID, 1)))
	p.waitStatus(token, approved.ID, "awaiting_approval")
	if code, _ := p.act(token, approved.ID, "approve"); code != http.StatusForbidden {
		t.Fatalf("customer approves: %d", code)
	}
	if code, _ := p.act(p.admin, approved.ID, "ship"); code != http.StatusConflict {
		t.Fatalf("ship while awaiting approval: %d", code)
	}
	if code, o := p.act(p.admin, approved.ID, "approve"); code != http.StatusOK || o.Status != "confirmed" {
		t.Fatalf("approve: %d %+v", code, o)
	}
	if code, _ := p.act(p.admin, approved.ID, "approve"); code != http.StatusConflict {
		t.Fatalf("approve twice: %d", code)
	}

	_, rejected := p.place(token, orderBody("tok_approve", line(machine.ID, 1)))
	p.waitStatus(token, rejected.ID, "awaiting_approval")
	if code, o := p.act(p.admin, rejected.ID, "reject"); code != http.StatusOK || o.Status != "cancelled" {
		t.Fatalf("reject: %d %+v", code, o)
	}
	if got := p.product(machine.ID); got.Reserved != 1 {
		t.Fatalf("reserved %d, want 1 (the approved order only)", got.Reserved)
	}
}

func TestOutOfStockAndDeclinedOrdersFailHoldingNothing(t *testing.T) {
	t.Parallel()
	p := newPlatform(t)
	lamp := p.newProduct(4990, "EUR", 3)
	mug := p.newProduct(1290, "EUR", 10)
	_, token := p.newUser(false, true)

	_, tooMany := p.place(token, orderBody("tok_approve", line(mug.ID, 1), line(lamp.ID, 4)))
	o := p.waitStatus(token, tooMany.ID, "failed")
	if !strings.Contains(o.FailureReason, "out of stock") {
		t.Fatalf("reason %q", o.FailureReason)
	}
	_, declined := p.place(token, orderBody("tok_decline", line(mug.ID, 2)))
	o = p.waitStatus(token, declined.ID, "failed")
	if o.FailureReason != "payment declined" {
		t.Fatalf("reason %q", o.FailureReason)
	}
	_, flaky := p.place(token, orderBody("tok_transient", line(mug.ID, 1)))
	p.waitStatus(token, flaky.ID, "confirmed")

	if got := p.product(mug.ID); got.Reserved != 1 {
		t.Fatalf("mug reserved %d, want 1 (only the transient-then-approved order)", got.Reserved)
	}
	if got := p.product(lamp.ID); got.Reserved != 0 || got.OnHand != 3 {
		t.Fatalf("lamp %+v", got)
	}
}

func TestPlaceOrderValidation(t *testing.T) {
	t.Parallel()
	p := newPlatform(t)
	eur := p.newProduct(100, "EUR", 10)
	usd := p.newProduct(100, "USD", 10)
	off := p.newProduct(100, "EUR", 10)
	p.do(http.MethodPatch, "/api/v1/products/"+off.ID, p.admin, map[string]any{"active": false}, nil)
	_, token := p.newUser(false, true)

	many := make([]map[string]any, 101)
	for i := range many {
		many[i] = line(uuid.NewString(), 1)
	}
	noCountry := map[string]any{"lines": []any{line(eur.ID, 1)}, "payment_token": "tok_approve",
		"shipping_address": map[string]any{"name": "A", "line1": "B", "city": "C", "postal_code": "1"}}
	cases := map[string]map[string]any{
		"no lines":           orderBody("tok_approve"),
		"101 lines":          orderBody("tok_approve", many...),
		"quantity 0":         orderBody("tok_approve", line(eur.ID, 0)),
		"quantity 1001":      orderBody("tok_approve", line(eur.ID, 1001)),
		"unknown product":    orderBody("tok_approve", line(uuid.NewString(), 1)),
		"inactive product":   orderBody("tok_approve", line(off.ID, 1)),
		"two currencies":     orderBody("tok_approve", line(eur.ID, 1), line(usd.ID, 1)),
		"same product x2":    orderBody("tok_approve", line(eur.ID, 1), line(eur.ID, 2)),
		"no payment token":   orderBody("", line(eur.ID, 1)),
		"address incomplete": noCountry,
	}
	for name, body := range cases {
		if code, _ := p.place(token, body); code != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d, want 422", name, code)
		}
	}
	resp := p.api.Do(http.MethodPost, "/api/v1/orders/", "Authorization: Bearer "+token, orderBody("tok_approve", line(eur.ID, 1)))
	if resp.Code != http.StatusUnprocessableEntity {
		t.Errorf("no Idempotency-Key: %d", resp.Code)
	}
	if resp := p.api.Do(http.MethodPost, "/api/v1/orders/", orderBody("tok_approve", line(eur.ID, 1))); resp.Code != http.StatusUnauthorized {
		t.Errorf("anonymous order: %d", resp.Code)
	}
	var list struct{ Data []order }
	p.do(http.MethodGet, "/api/v1/orders/", p.admin, nil, &list)
	if len(list.Data) != 0 {
		t.Fatalf("bad input created %d orders", len(list.Data))
	}
}

func TestApprovalTimesOut(t *testing.T) {
	t.Parallel()
	p := newPlatform(t, func(s *settings) { s.orders.ApprovalTimeout = 2 * time.Second })
	machine := p.newProduct(129_900, "EUR", 5)
	_, token := p.newUser(false, true)
	_, o := p.place(token, orderBody("tok_approve", line(machine.ID, 1)))
	// Awaiting approval lasts 2 s: the timeline shows it was, whenever we look.
	got := p.waitStatus(token, o.ID, "cancelled")
	if !strings.Contains(got.FailureReason, "approval timed out") {
		t.Fatalf("reason %q", got.FailureReason)
	}
	if path := p.timeline(token, o.ID); path != "pending,awaiting_approval,cancelled" {
		t.Fatalf("timeline %s", path)
	}
	if pr := p.product(machine.ID); pr.Reserved != 0 {
		t.Fatalf("reserved %d after the timeout", pr.Reserved)
	}
}

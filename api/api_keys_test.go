package api_test

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/acme/orders/internal/telemetry"
)

// TestAnIntegratorKeyReadsOrdersAndIsRefusedACancel: an ERP with an
// orders:read key lists and reads every customer's orders, is refused a
// cancel naming the scope it lacks, and has no account; a storefront with
// orders:write places orders for a customer it names, and the order's
// workflow is found by that customer's e-mail.
func TestAnIntegratorKeyReadsOrdersAndIsRefusedACancel(t *testing.T) {
	t.Parallel()
	p := newPlatform(t, func(s *settings) { s.noWorker = true })
	buyer, buyerToken := p.newUser(false, true)
	mug := p.newProduct(1290, "EUR", 10)
	code, placed := p.place(buyerToken, orderBody("tok_approve", line(mug.ID, 1)))
	if code != http.StatusCreated {
		t.Fatalf("place: %d", code)
	}

	erp := p.newKey("ERP", "orders:read")
	if !strings.HasPrefix(erp.Key, "ok_live_") || len(erp.Key) != len("ok_live_")+43 || !strings.HasPrefix(erp.Key, erp.Prefix) {
		t.Fatalf("key %q, prefix %q", erp.Key, erp.Prefix)
	}
	var list struct {
		Data []order `json:"data"`
	}
	if code := p.do(http.MethodGet, "/api/v1/orders/", erp.Key, nil, &list); code != http.StatusOK || len(list.Data) != 1 || list.Data[0].ID != placed.ID {
		t.Fatalf("the ERP lists orders: %d %+v", code, list)
	}
	var read order
	if code := p.do(http.MethodGet, "/api/v1/orders/"+placed.ID, erp.Key, nil, &read); code != http.StatusOK || read.CustomerID != buyer.ID {
		t.Fatalf("the ERP reads the order: %d %+v", code, read)
	}
	resp := p.api.Post("/api/v1/orders/"+placed.ID+"/cancel", "Authorization: Bearer "+erp.Key, map[string]any{})
	if resp.Code != http.StatusForbidden || !strings.Contains(resp.Body.String(), "orders:write") {
		t.Fatalf("the ERP cancels: %d %s", resp.Code, resp.Body)
	}
	if o := p.waitStatus(buyerToken, placed.ID, "pending"); o.Status != "pending" {
		t.Fatalf("the refused cancel changed the order: %+v", o)
	}
	if resp := p.api.Get("/api/v1/users/me", "Authorization: Bearer "+erp.Key); resp.Code != http.StatusForbidden {
		t.Fatalf("a key reads its own account: %d %s", resp.Code, resp.Body)
	}

	shop := p.newKey("storefront", "orders:write", "orders:read")
	if code, _ := p.place(shop.Key, orderBody("tok_approve", line(mug.ID, 1))); code != http.StatusUnprocessableEntity {
		t.Fatalf("a key places an order for nobody: %d", code)
	}
	forNobody := orderBody("tok_approve", line(mug.ID, 1))
	forNobody["customer_id"] = uuid.NewString()
	if code, _ := p.place(shop.Key, forNobody); code != http.StatusUnprocessableEntity {
		t.Fatalf("a key places an order for an unknown customer: %d", code)
	}
	forBuyer := orderBody("tok_approve", line(mug.ID, 2))
	forBuyer["customer_id"] = buyer.ID
	code, o := p.place(shop.Key, forBuyer)
	if code != http.StatusCreated || o.CustomerID != buyer.ID {
		t.Fatalf("the storefront places for the buyer: %d %+v", code, o)
	}
	// Operators find it by the buyer's e-mail, not the key's name.
	p.findOrder(o.ID, fmt.Sprintf("CustomerEmail = '%s'", buyer.Email))
	if got := p.summary(o.ID); got != "Order 1 line, 25.80 EUR, "+buyer.Email {
		t.Fatalf("static summary %q", got)
	}
	if code := p.do(http.MethodGet, "/api/v1/orders/"+o.ID, buyerToken, nil, nil); code != http.StatusOK {
		t.Fatalf("the buyer reads the order placed for them: %d", code)
	}
	// A customer cannot place for someone else.
	if code, _ := p.place(buyerToken, map[string]any{"lines": []any{line(mug.ID, 1)}, "shipping_address": address,
		"payment_token": "tok_approve", "customer_id": uuid.NewString()}); code != http.StatusForbidden {
		t.Fatalf("a customer places for another: %d", code)
	}

	var keys struct {
		Data []apiKey `json:"data"`
	}
	if code := p.do(http.MethodGet, "/api/v1/api-keys", p.admin, nil, &keys); code != http.StatusOK || len(keys.Data) != 2 {
		t.Fatalf("list keys: %d %+v", code, keys)
	}
	for _, k := range keys.Data {
		if k.Key != "" || k.LastUsedAt == nil {
			t.Errorf("listed key %+v: want no secret, and its last use", k)
		}
	}
}

// TestKeysAreCheckedWhenCreatedAndRefusedOnceRevoked: bad scopes, a past
// expiry and a non-admin are refused; a revoked key is refused on its next
// request, and revoking again keeps the first time.
func TestKeysAreCheckedWhenCreatedAndRefusedOnceRevoked(t *testing.T) {
	t.Parallel()
	p := newPlatform(t, func(s *settings) { s.noWorker = true })
	for name, body := range map[string]map[string]any{
		"admin scope":   {"name": "x", "scopes": []string{"admin"}},
		"no scope":      {"name": "x", "scopes": []string{}},
		"unknown scope": {"name": "x", "scopes": []string{"orders:delete"}},
		"no name":       {"name": "", "scopes": []string{"orders:read"}},
		"past expiry":   {"name": "x", "scopes": []string{"orders:read"}, "expires_at": time.Now().Add(-time.Minute)},
	} {
		if code := p.do(http.MethodPost, "/api/v1/api-keys", p.admin, body, nil); code != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d, want 422", name, code)
		}
	}
	_, support := p.staff("support")
	if code := p.do(http.MethodPost, "/api/v1/api-keys", support, map[string]any{"name": "x", "scopes": []string{"orders:read"}}, nil); code != http.StatusForbidden {
		t.Errorf("support creates a key: %d", code)
	}

	k := p.newKey("warehouse", "products:read")
	if code := p.do(http.MethodGet, "/api/v1/orders/", k.Key, nil, nil); code != http.StatusForbidden {
		t.Fatalf("a products:read key lists orders: %d", code)
	}
	var first, again apiKey
	if code := p.do(http.MethodDelete, "/api/v1/api-keys/"+k.ID, p.admin, nil, &first); code != http.StatusOK || first.RevokedAt == nil {
		t.Fatalf("revoke: %d %+v", code, first)
	}
	resp := p.api.Get("/api/v1/orders/", "Authorization: Bearer "+k.Key)
	if resp.Code != http.StatusUnauthorized || resp.Header().Get("WWW-Authenticate") != "Bearer" {
		t.Fatalf("a revoked key: %d %s", resp.Code, resp.Body)
	}
	if code := p.do(http.MethodDelete, "/api/v1/api-keys/"+k.ID, p.admin, nil, &again); code != http.StatusOK || *again.RevokedAt != *first.RevokedAt {
		t.Fatalf("revoke again: %d %+v, first %+v", code, again, first)
	}
	if code := p.do(http.MethodDelete, "/api/v1/api-keys/"+uuid.NewString(), p.admin, nil, nil); code != http.StatusNotFound {
		t.Fatalf("revoke an unknown key: %d", code)
	}
	for _, bad := range []string{"ok_live_short", "ok_live_" + strings.Repeat("!", 43), "ok_live_" + strings.Repeat("a", 43)} {
		if resp := p.api.Get("/api/v1/orders/", "Authorization: Bearer "+bad); resp.Code != http.StatusUnauthorized {
			t.Errorf("%q: %d", bad, resp.Code)
		}
	}
}

// TestAKeyOverItsRateIsRefusedAlone: RATE_LIMIT_API_KEY requests a minute
// per key; the next gets 429 with Retry-After, and another key goes on.
func TestAKeyOverItsRateIsRefusedAlone(t *testing.T) {
	t.Parallel()
	p := newPlatform(t, func(s *settings) { s.noWorker = true; s.http.RateLimits.APIKey = 3 })
	busy, calm := p.newKey("busy", "orders:read"), p.newKey("calm", "orders:read")
	for i := range 3 {
		if code := p.do(http.MethodGet, "/api/v1/orders/", busy.Key, nil, nil); code != http.StatusOK {
			t.Fatalf("request %d: %d", i+1, code)
		}
	}
	resp := p.api.Get("/api/v1/orders/", "Authorization: Bearer "+busy.Key)
	if resp.Code != http.StatusTooManyRequests || resp.Header().Get("Retry-After") == "" {
		t.Fatalf("fourth request: %d %v", resp.Code, resp.Header())
	}
	if code := p.do(http.MethodGet, "/api/v1/orders/", calm.Key, nil, nil); code != http.StatusOK {
		t.Fatalf("another key: %d", code)
	}
}

// TestAKeyNeverShowsInLogsTracesOrProblems: after a key is used to read,
// to write, outside its scopes and once revoked, neither the debug log,
// nor any span, nor any problem answer, nor the audit log holds its secret.
func TestAKeyNeverShowsInLogsTracesOrProblems(t *testing.T) {
	t.Parallel()
	spans := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans))
	var logs lockedBuffer
	p := newPlatform(t, func(s *settings) {
		s.tracer, s.noWorker = tp, true
		s.logger = slog.New(telemetry.LogHandler(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	})
	mug := p.newProduct(1290, "EUR", 10)
	k := p.newKey("leaky", "stock:write")
	secret := strings.TrimPrefix(k.Key, "ok_live_")
	var answers []string
	call := func(method, path string, body any, want int) {
		t.Helper()
		args := []any{"Authorization: Bearer " + k.Key}
		if body != nil {
			args = append(args, body)
		}
		resp := p.api.Do(method, path, args...)
		if resp.Code != want {
			t.Fatalf("%s %s: %d, want %d: %s", method, path, resp.Code, want, resp.Body)
		}
		answers = append(answers, resp.Body.String())
	}
	call(http.MethodPost, "/api/v1/products/"+mug.ID+"/stock", map[string]any{"delta": 1, "reason": "count"}, http.StatusOK)
	call(http.MethodGet, "/api/v1/orders/", nil, http.StatusForbidden)
	call(http.MethodGet, "/api/v1/users/me", nil, http.StatusForbidden)
	if code := p.do(http.MethodDelete, "/api/v1/api-keys/"+k.ID, p.admin, nil, nil); code != http.StatusOK {
		t.Fatalf("revoke: %d", code)
	}
	call(http.MethodPost, "/api/v1/products/"+mug.ID+"/stock", map[string]any{"delta": 1, "reason": "count"}, http.StatusUnauthorized)
	audit := p.api.Get("/api/v1/audit-log", "Authorization: Bearer "+p.admin)
	answers = append(answers, audit.Body.String())

	if !strings.Contains(logs.String(), "/stock") {
		t.Fatalf("the log did not record the requests:\n%s", logs.String())
	}
	if strings.Contains(logs.String(), secret) {
		t.Errorf("the log holds the key")
	}
	for _, s := range spans.GetSpans() {
		if text := fmt.Sprint(s.Name, s.Attributes, s.Events, s.Status, s.Links); strings.Contains(text, secret) {
			t.Errorf("span %s holds the key: %s", s.Name, text)
		}
	}
	for _, a := range answers {
		if strings.Contains(a, secret) {
			t.Errorf("an answer holds the key: %s", a)
		}
	}
}

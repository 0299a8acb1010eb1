package api_test

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/acme/orders/api"
	"github.com/acme/orders/internal/accounts"
	"github.com/acme/orders/internal/catalog"
	"github.com/acme/orders/internal/orders"
	"github.com/acme/orders/internal/page"
	"github.com/acme/orders/internal/temporalconn"
)

// The fast tier: the HTTP layer alone, over fakes. Each test checks what the
// handlers themselves do: decode and validate, call with the right
// arguments, convert the answer, map the error.

func TestAccessRulesOverAFakeAuthenticator(t *testing.T) {
	t.Parallel()
	tapi := fakeAPI(t, api.Deps{Accounts: &fakeAccounts{list: func() (page.Page[accounts.User], *int64, error) {
		return page.Page[accounts.User]{Items: []accounts.User{operator}}, nil, nil
	}}})
	cases := []struct {
		name, path, auth string
		want             int
	}{
		{"no token", "/api/v1/users/me", "", http.StatusUnauthorized},
		{"not a bearer", "/api/v1/users/me", "Basic customer", http.StatusUnauthorized},
		{"unknown token", "/api/v1/users/me", "Bearer forged", http.StatusUnauthorized},
		{"inactive", "/api/v1/users/me", "Bearer inactive", http.StatusForbidden},
		{"customer", "/api/v1/users/me", "Bearer customer", http.StatusOK},
		{"customer, superuser operation", "/api/v1/users/", "Bearer customer", http.StatusForbidden},
		{"operator, superuser operation", "/api/v1/users/", "Bearer operator", http.StatusOK},
	}
	for _, c := range cases {
		var args []any
		if c.auth != "" {
			args = append(args, "Authorization: "+c.auth)
		}
		resp := tapi.Get(c.path, args...)
		if resp.Code != c.want {
			t.Errorf("%s: %d, want %d: %s", c.name, resp.Code, c.want, resp.Body)
		}
		if resp.Code == http.StatusUnauthorized && resp.Header().Get("WWW-Authenticate") != "Bearer" {
			t.Errorf("%s: 401 without WWW-Authenticate: Bearer", c.name)
		}
		if resp.Code >= 400 && resp.Header().Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s: %s is not a problem", c.name, resp.Header().Get("Content-Type"))
		}
	}
}

// TestErrorsOfTheServicesBecomeProblems goes through a real operation: what
// the service returns, the client gets as its mapped answer.
func TestErrorsOfTheServicesBecomeProblems(t *testing.T) {
	t.Parallel()
	var next error
	tapi := fakeAPI(t, api.Deps{Catalog: &fakeCatalog{get: func(uuid.UUID) (catalog.Product, error) { return catalog.Product{}, next }}})
	cases := []struct {
		err    error
		status int
		detail string
		header string
	}{
		{catalog.ErrNotFound, http.StatusNotFound, catalog.ErrNotFound.Error(), ""},
		{fmt.Errorf("lookup: %w", catalog.ErrNotFound), http.StatusNotFound, catalog.ErrNotFound.Error(), ""},
		{fmt.Errorf("%w: dial 10.0.0.7: refused", temporalconn.ErrUnavailable), http.StatusServiceUnavailable, temporalconn.ErrUnavailable.Error(), "Retry-After"},
		{errors.New("pq: relation secret_table does not exist"), http.StatusInternalServerError, "", ""},
	}
	for _, c := range cases {
		next = c.err
		resp := tapi.Get("/api/v1/products/" + uuid.NewString())
		var p problem
		decode(t, resp.Body.Bytes(), &p)
		if resp.Code != c.status || p.Detail != c.detail || strings.Contains(resp.Body.String(), "secret_table") ||
			strings.Contains(resp.Body.String(), "10.0.0.7") {
			t.Errorf("%v: %d %s", c.err, resp.Code, resp.Body)
		}
		if c.header != "" && resp.Header().Get(c.header) == "" {
			t.Errorf("%v: no %s header", c.err, c.header)
		}
	}
}

func TestPlaceOrderDecodesCallsAndConverts(t *testing.T) {
	t.Parallel()
	product := uuid.New()
	var got []orders.PlaceRequest
	var by orders.Viewer
	fake := &fakeOrders{place: func(v orders.Viewer, r orders.PlaceRequest) (orders.Order, error) {
		got, by = append(got, r), v
		return orders.Order{
			ID: uuid.New(), CustomerID: v.ID, Status: orders.StatusPending, Currency: "EUR", TotalCents: 2580,
			ShippingAddress: r.ShippingAddress, Lines: []orders.Line{{ProductID: product, SKU: "MUG", Name: "Mug", UnitPriceCents: 1290, Quantity: 2}},
		}, nil
	}}
	tapi := fakeAPI(t, api.Deps{Orders: fake})
	body := orderBody("tok_approve", line(product.String(), 2))
	resp := tapi.Post("/api/v1/orders/", "Authorization: Bearer customer", "Idempotency-Key: key-1", body)
	var o struct {
		order
		ShippingAddress map[string]string `json:"shipping_address"`
		Lines           []struct {
			LineTotalCents int64 `json:"line_total_cents"`
		} `json:"lines"`
	}
	decode(t, resp.Body.Bytes(), &o)
	if resp.Code != http.StatusCreated || resp.Header().Get("Location") != "/api/v1/orders/"+o.ID || o.Status != "pending" ||
		o.CustomerID != customer.ID.String() || len(o.Lines) != 1 || o.Lines[0].LineTotalCents != 2580 || o.ShippingAddress["city"] != "Berlin" {
		t.Fatalf("%d %s", resp.Code, resp.Body)
	}
	r := got[0]
	if by.ID != customer.ID || by.Email != customer.Email || len(by.Scopes) != 0 || r.IdempotencyKey != "key-1" ||
		r.PaymentToken != "tok_approve" || len(r.Lines) != 1 || r.Lines[0] != (orders.LineRequest{ProductID: product, Quantity: 2}) ||
		r.ShippingAddress.PostalCode != "10115" || r.ShippingAddress.Country != "DE" {
		t.Fatalf("the service got %+v from %+v", r, by)
	}

	// Invalid input is refused before the service is called.
	bad := map[string][]any{
		"no key":        {"Authorization: Bearer customer", body},
		"quantity 0":    {"Authorization: Bearer customer", "Idempotency-Key: k", orderBody("tok_approve", line(product.String(), 0))},
		"product twice": {"Authorization: Bearer customer", "Idempotency-Key: k", orderBody("tok_approve", line(product.String(), 1), line(product.String(), 1))},
		"not a uuid":    {"Authorization: Bearer customer", "Idempotency-Key: k", orderBody("tok_approve", line("mug", 1))},
	}
	for name, args := range bad {
		if resp := tapi.Post("/api/v1/orders/", args...); resp.Code != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d, want 422", name, resp.Code)
		}
	}
	if len(got) != 1 {
		t.Fatalf("invalid requests reached the service: %d calls", len(got))
	}
}

func TestOrderActionAnswers(t *testing.T) {
	t.Parallel()
	var result struct {
		done bool
		err  error
	}
	var asked []orders.Action
	fake := &fakeOrders{act: func(_ orders.Viewer, id uuid.UUID, a orders.Action, _ string) (orders.Order, bool, error) {
		asked = append(asked, a)
		return sampleOrder(id, orders.StatusCancelled), result.done, result.err
	}}
	tapi := fakeAPI(t, api.Deps{Orders: fake})
	act := func(token, action string) int {
		return tapi.Post("/api/v1/orders/"+uuid.NewString()+"/"+action, "Authorization: Bearer "+token, map[string]any{"reason": "r"}).Code
	}
	cases := []struct {
		done bool
		err  error
		want int
	}{
		{true, nil, http.StatusOK},
		{false, nil, http.StatusAccepted},
		{false, &orders.RejectedError{Reason: "order is shipped"}, http.StatusConflict},
		{false, orders.ErrWorkflowNotStarted, http.StatusServiceUnavailable},
		{false, orders.ErrNotFound, http.StatusNotFound},
	}
	for _, c := range cases {
		result.done, result.err = c.done, c.err
		if got := act("customer", "cancel"); got != c.want {
			t.Errorf("done %v, err %v: %d, want %d", c.done, c.err, got, c.want)
		}
	}
	result.done, result.err = true, nil
	if got := act("customer", "approve"); got != http.StatusForbidden {
		t.Errorf("a customer approves: %d", got)
	}
	if got := act("operator", "ship"); got != http.StatusOK {
		t.Errorf("an operator ships: %d", got)
	}
	if want := []orders.Action{"cancel", "cancel", "cancel", "cancel", "cancel", "ship"}; !slices.Equal(asked, want) {
		t.Fatalf("actions asked %v, want %v", asked, want)
	}
}

func TestListOrdersPassesItsFilters(t *testing.T) {
	t.Parallel()
	var got orders.Filter
	fake := &fakeOrders{list: func(_ orders.Viewer, f orders.Filter) (page.Page[orders.Order], error) {
		got = f
		if f.Page.Cursor == "stale" {
			return page.Page[orders.Order]{}, fmt.Errorf("%w: illegal base64", page.ErrBadCursor)
		}
		return page.Page[orders.Order]{Next: "next"}, nil
	}}
	tapi := fakeAPI(t, api.Deps{Orders: fake})
	customerID := uuid.New()
	resp := tapi.Get("/api/v1/orders/?status=failed&limit=5&created_from=2026-01-02T00:00:00Z&customer_id="+customerID.String(), "Authorization: Bearer operator")
	if resp.Code != http.StatusOK || !strings.Contains(resp.Body.String(), `"next_cursor":"next"`) {
		t.Fatalf("%d %s", resp.Code, resp.Body)
	}
	if got.Status != orders.StatusFailed || got.Page.Limit != 5 || got.CustomerID == nil || *got.CustomerID != customerID ||
		!got.CreatedFrom.Equal(time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("filter %+v", got)
	}
	resp = tapi.Get("/api/v1/orders/?cursor=stale", "Authorization: Bearer operator")
	var p problem
	decode(t, resp.Body.Bytes(), &p)
	if resp.Code != http.StatusUnprocessableEntity || len(p.Errors) != 1 || p.Errors[0].Location != "query.cursor" {
		t.Fatalf("stale cursor: %d %s", resp.Code, resp.Body)
	}
	for _, q := range []string{"status=lost", "limit=101"} {
		if resp := tapi.Get("/api/v1/orders/?"+q, "Authorization: Bearer operator"); resp.Code != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d", q, resp.Code)
		}
	}
}

// TestOrderStatusEnumIsTheVocabulary: wherever the document shows an order
// status, its enum is exactly the orders' statuses.
func TestOrderStatusEnumIsTheVocabulary(t *testing.T) {
	t.Parallel()
	doc := fakeAPI(t, api.Deps{}).OpenAPI()
	var want []any
	for _, s := range orders.Statuses() {
		want = append(want, string(s))
	}
	schemas := doc.Components.Schemas.Map()
	enums := map[string][]any{
		"order status":      schemas["OrderPublic"].Properties["status"].Enum,
		"event from_status": schemas["OrderEvent"].Properties["from_status"].Enum,
		"event to_status":   schemas["OrderEvent"].Properties["to_status"].Enum,
	}
	for _, param := range doc.Paths["/api/v1/orders"].Get.Parameters {
		if param.Name == "status" {
			enums["status filter"] = param.Schema.Enum
		}
	}
	if len(enums) != 4 {
		t.Fatalf("a status is missing from the document: %v", enums)
	}
	for where, enum := range enums {
		if !slices.Equal(enum, want) {
			t.Errorf("%s: enum %v, want %v", where, enum, want)
		}
	}
}

func TestCreateProductDefaultsToActiveAndRecordsTheActor(t *testing.T) {
	t.Parallel()
	var got catalog.NewProduct
	var actor *uuid.UUID
	fake := &fakeCatalog{create: func(a *uuid.UUID, p catalog.NewProduct) (catalog.Product, error) {
		got, actor = p, a
		return catalog.Product{ID: uuid.New(), SKU: p.SKU, OnHand: p.InitialStock, Reserved: 2}, nil
	}}
	tapi := fakeAPI(t, api.Deps{Catalog: fake})
	resp := tapi.Post("/api/v1/products/", "Authorization: Bearer operator",
		map[string]any{"sku": "MUG-1", "name": "Mug", "price_cents": 1290, "currency": "EUR", "initial_stock": 7})
	var p product
	decode(t, resp.Body.Bytes(), &p)
	if resp.Code != http.StatusCreated || !got.Active || got.InitialStock != 7 || actor == nil || *actor != operator.ID || p.Available != 5 {
		t.Fatalf("%d %s; service got %+v by %s", resp.Code, resp.Body, got, actor)
	}
}

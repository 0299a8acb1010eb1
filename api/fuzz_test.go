package api_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/acme/orders/api"
	"github.com/acme/orders/internal/access"
	"github.com/acme/orders/internal/accounts"
	"github.com/acme/orders/internal/catalog"
	"github.com/acme/orders/internal/orders"
	"github.com/acme/orders/internal/page"
)

// Fuzz targets for request decoding and validation (users, products,
// orders, the log-in form). Their seeds run with every `go test`; `make fuzz`
// (and CI) fuzz each for a while. Whatever the input: no panic, no 5xx,
// every answer as the document describes it, and nothing reaches the
// services that PostgreSQL could not store (text that is not valid UTF-8 or
// holds NUL).

// sink stands in for the services: it accepts every call, answers with
// plausible values, and records any argument holding text PostgreSQL would
// refuse.
type sink struct {
	mu    sync.Mutex
	dirty []string
}

func (s *sink) take(call string, args ...any) {
	for _, a := range args {
		if where := badText(reflect.ValueOf(a)); where != "" {
			s.mu.Lock()
			s.dirty = append(s.dirty, fmt.Sprintf("%s got %q", call, where))
			s.mu.Unlock()
		}
	}
}

func (s *sink) drain() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.dirty
	s.dirty = nil
	return d
}

// badText finds a string PostgreSQL would refuse anywhere in v.
func badText(v reflect.Value) string {
	switch v.Kind() {
	case reflect.String:
		if s := v.String(); !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
			return s
		}
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			return badText(v.Elem())
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				if s := badText(v.Field(i)); s != "" {
					return s
				}
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if s := badText(v.Index(i)); s != "" {
				return s
			}
		}
	}
	return ""
}

func sampleUser() accounts.User {
	return accounts.User{ID: uuid.New(), Email: "someone@example.com", IsActive: true, Role: access.Customer, CreatedAt: time.Now()}
}

func sampleProduct() catalog.Product {
	return catalog.Product{ID: uuid.New(), SKU: "MUG-1", Name: "Mug", PriceCents: 1290, Currency: "EUR", Active: true, OnHand: 3}
}

func (s accountsSink) Login(_ context.Context, email, password string) (string, error) {
	s.take("Login", email, password)
	return "token", nil
}

func (s accountsSink) Signup(_ context.Context, email, fullName, password string) (accounts.User, error) {
	s.take("Signup", email, fullName, password)
	return sampleUser(), nil
}

func (s accountsSink) Create(_ context.Context, u accounts.NewUser) (accounts.User, error) {
	s.take("Create", u)
	return sampleUser(), nil
}

func (s accountsSink) UpdateMe(_ context.Context, me accounts.User, email, fullName *string) (accounts.User, error) {
	s.take("UpdateMe", email, fullName)
	return me, nil
}

func (s accountsSink) Update(_ context.Context, id uuid.UUID, c accounts.Change) (accounts.User, access.Role, error) {
	s.take("Update", c)
	return sampleUser(), access.Customer, nil
}

func (s accountsSink) List(_ context.Context, f accounts.Filter) (page.Page[accounts.User], *int64, error) {
	s.take("accounts.List", f)
	return page.Page[accounts.User]{Items: []accounts.User{sampleUser()}}, nil, nil
}

// The services over one sink; a method a target does not reach panics.
type (
	accountsSink struct {
		api.Accounts
		*sink
	}
	catalogSink struct {
		api.Catalog
		*sink
	}
	ordersSink struct {
		api.Orders
		*sink
	}
)

func (c catalogSink) List(_ context.Context, f catalog.Filter) (page.Page[catalog.Product], *int64, error) {
	c.take("catalog.List", f)
	return page.Page[catalog.Product]{Items: []catalog.Product{sampleProduct()}}, nil, nil
}

func (c catalogSink) Create(_ context.Context, _ *uuid.UUID, p catalog.NewProduct) (catalog.Product, error) {
	c.take("catalog.Create", p)
	return sampleProduct(), nil
}

func (c catalogSink) Update(_ context.Context, _ uuid.UUID, ch catalog.Change) (catalog.Product, error) {
	c.take("catalog.Update", ch)
	return sampleProduct(), nil
}

func (c catalogSink) AdjustStock(_ context.Context, _ *uuid.UUID, _ uuid.UUID, _ int32, reason string) (catalog.Product, error) {
	c.take("AdjustStock", reason)
	return sampleProduct(), nil
}

func (o ordersSink) Place(_ context.Context, by orders.Viewer, r orders.PlaceRequest) (orders.Order, error) {
	o.take("Place", r)
	return sampleOrder(uuid.New(), orders.StatusPending), nil
}

func (o ordersSink) List(_ context.Context, _ orders.Viewer, f orders.Filter) (page.Page[orders.Order], error) {
	o.take("orders.List", f)
	return page.Page[orders.Order]{Items: []orders.Order{sampleOrder(uuid.New(), orders.StatusConfirmed)}}, nil
}

// fuzzServer is the whole HTTP layer over a sink, and the contract it keeps.
type fuzzServer struct {
	handler  http.Handler
	contract *contract
	sink     *sink
}

func newFuzzServer(f *testing.F) *fuzzServer {
	s := &sink{}
	h := api.NewHandler(api.Deps{
		Logger: quietLogger(), Auth: fakeAuth{}, Keys: fakeKeys{}, Audit: &fakeAudit{}, Accounts: accountsSink{sink: s}, Catalog: catalogSink{sink: s}, Orders: ordersSink{sink: s},
		Options: api.Options{MaxBodyBytes: 1 << 16, RateLimits: api.RateLimits{}},
	})
	return &fuzzServer{handler: h, contract: newContract(f, h), sink: s}
}

// send makes one request and fails t on a 5xx, an answer outside the
// document, or bad text that reached a service. Requests a real server
// would never pass on (an unparsable URL, a header with a line break) are
// skipped.
func (fs *fuzzServer) send(t *testing.T, method, target, contentType, token string, body []byte, header ...string) {
	t.Helper()
	r, err := http.NewRequest(method, target, bytes.NewReader(body))
	if err != nil {
		return
	}
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		r.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		if strings.ContainsAny(header[i+1], "\r\n\x00") {
			return
		}
		r.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	fs.handler.ServeHTTP(rec, r)
	if rec.Code >= 500 {
		t.Fatalf("%s %s %q: %d %s", method, target, body, rec.Code, rec.Body)
	}
	if err := fs.contract.check(r, rec.Code, rec.Header(), rec.Body.Bytes()); err != nil {
		t.Fatal(err)
	}
	if dirty := fs.sink.drain(); len(dirty) > 0 {
		t.Fatalf("%s %s %q passed text PostgreSQL refuses to the service: %v", method, target, body, dirty)
	}
}

const jsonType = "application/json"

func FuzzUsers(f *testing.F) {
	fs := newFuzzServer(f)
	for _, seed := range []string{
		`{"email":"ann@example.com","password":"password-123","full_name":"Ann"}`,
		`{"email":"Ann <ann@example.com>","password":"password-123"}`,
		`{"email":" ann@example.com","password":"short"}`,
		`{"email":"a@b.c","password":"password-123","full_name":"A\u0000"}`,
		`{"email":"a@b.c","password":"password-123","is_superuser":true,"is_active":false}`,
		`{"email":"\udcff@b.c","password":"password-123"}`,
		"{\"email\":\"a@b.c\",\"password\":\"pass\xff\xfeword\"}",
		`{"full_name":null}`, `[]`, `null`, `{`, ``,
	} {
		f.Add([]byte(seed))
	}
	id := uuid.NewString()
	f.Fuzz(func(t *testing.T, body []byte) {
		fs.send(t, http.MethodPost, "/api/v1/users/signup", jsonType, "", body)
		fs.send(t, http.MethodPost, "/api/v1/users", jsonType, "operator", body)
		fs.send(t, http.MethodPatch, "/api/v1/users/me", jsonType, "customer", body)
		fs.send(t, http.MethodPatch, "/api/v1/users/"+id, jsonType, "operator", body)
	})
}

func FuzzProducts(f *testing.F) {
	fs := newFuzzServer(f)
	for _, seed := range []struct{ body, query string }{
		{`{"sku":"MUG-1","name":"Mug","price_cents":1290,"currency":"EUR","initial_stock":5}`, "q=mug&skip=0&limit=10"},
		{`{"sku":"MUG-1","name":"M\u0000","price_cents":-1,"currency":"eur"}`, "q=%00&skip=2147483648"},
		{`{"delta":2147483647,"reason":"count"}`, "skip=4294967296&limit=0"},
		{`{"delta":0,"reason":"\u0000"}`, "active=maybe&q=%FF%FE"},
		{`{"price_cents":1e30,"initial_stock":1.5}`, "q=100%25_"},
		{`{}`, ""},
	} {
		f.Add([]byte(seed.body), seed.query)
	}
	id := uuid.NewString()
	f.Fuzz(func(t *testing.T, body []byte, query string) {
		fs.send(t, http.MethodPost, "/api/v1/products", jsonType, "operator", body)
		fs.send(t, http.MethodPatch, "/api/v1/products/"+id, jsonType, "operator", body)
		fs.send(t, http.MethodPost, "/api/v1/products/"+id+"/stock", jsonType, "operator", body)
		fs.send(t, http.MethodGet, "/api/v1/products?"+query, "", "", nil)
	})
}

func FuzzOrders(f *testing.F) {
	fs := newFuzzServer(f)
	product := uuid.NewString()
	good := fmt.Sprintf(`{"lines":[{"product_id":%q,"quantity":2}],"shipping_address":{"name":"Ann","line1":"1 Main St","city":"Berlin","postal_code":"10115","country":"DE"},"payment_token":"tok_approve"}`, product)
	for _, seed := range []struct{ body, key, query string }{
		{good, "key-1", "status=pending&limit=5"},
		{strings.Replace(good, "Ann", `A\u0000nn`, 1), "key-2", "customer_id=not-a-uuid"},
		{strings.Replace(good, `"quantity":2`, `"quantity":2147483648`, 1), "\xff\xfe", "cursor=%00"},
		{strings.Replace(good, product, "mug", 1), "", "created_from=yesterday"},
		{`{"lines":[],"shipping_address":{},"payment_token":""}`, strings.Repeat("k", 300), "limit=1000"},
	} {
		f.Add([]byte(seed.body), seed.key, seed.query)
	}
	f.Fuzz(func(t *testing.T, body []byte, key, query string) {
		fs.send(t, http.MethodPost, "/api/v1/orders", jsonType, "customer", body, "Idempotency-Key", key)
		fs.send(t, http.MethodGet, "/api/v1/orders?"+query, "", "customer", nil)
	})
}

func FuzzLoginForm(f *testing.F) {
	fs := newFuzzServer(f)
	for _, seed := range []string{
		"username=ann%40example.com&password=password-123",
		"username=ann%40example.com&password=password-123&grant_type=password&scope=",
		"username=a%00b&password=x",
		"username=%FF%FE&password=%FF",
		"grant_type=client_credentials",
		"username=&password=",
		"%zz", "", "a=1&a=2&username",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, form string) {
		fs.send(t, http.MethodPost, "/api/v1/login/access-token", "application/x-www-form-urlencoded", "", []byte(form))
	})
}

package api_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/danielgtaylor/huma/v2"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
	"github.com/google/uuid"

	"github.com/acme/orders/api"
)

// The server is held to its own document: every response a test gets through
// newTestAPI is validated (status, headers, body) against the OpenAPI
// document the same server serves, with kin-openapi. An answer the document
// does not describe fails the test that received it.

var (
	defineFormats sync.Once
	// contracts are the documents already loaded, by their text: every
	// platform serves the same one, and loading it is not free.
	contracts   = map[string]*contract{}
	contractsMu sync.Mutex
)

// contract validates responses against one served document.
type contract struct {
	router routers.Router
}

func newContract(t testing.TB, served http.Handler) *contract {
	t.Helper()
	defineFormats.Do(func() {
		openapi3.DefineStringFormatValidator("uuid", openapi3.NewRegexpFormatValidator(openapi3.FormatOfStringForUUIDOfRFC4122))
		openapi3.DefineStringFormatValidator("email", openapi3.NewRegexpFormatValidator(openapi3.FormatOfStringForEmail))
		// A live stream's body is the text it sent (the document's string).
		openapi3filter.RegisterBodyDecoder("text/event-stream", openapi3filter.PlainBodyDecoder)
	})
	rec := httptest.NewRecorder()
	served.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, api.BasePath+"/openapi.json", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET openapi.json: %d", rec.Code)
	}
	contractsMu.Lock()
	defer contractsMu.Unlock()
	if c, ok := contracts[rec.Body.String()]; ok {
		return c
	}
	doc, err := openapi3.NewLoader().LoadFromData(rec.Body.Bytes())
	if err != nil {
		t.Fatalf("load the served document: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("the served document is not valid OpenAPI: %v", err)
	}
	router, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	c := &contract{router: router}
	contracts[rec.Body.String()] = c
	return c
}

// check validates one exchange; requests outside the document's operations
// (the docs pages, router misses) are not its business.
func (c *contract) check(r *http.Request, status int, header http.Header, body []byte) error {
	route := r.Clone(r.Context())
	route.URL.Path = strings.TrimSuffix(route.URL.Path, "/") // the server strips it too
	found, params, err := c.router.FindRoute(route)
	if err != nil {
		return nil
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: route, PathParams: params, Route: found},
		Status:                 status,
		Header:                 header,
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	in.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(r.Context(), in); err != nil {
		return fmt.Errorf("%s %s answered %d, which the document does not allow: %w\nbody: %.500s", r.Method, r.URL, status, err, body)
	}
	return nil
}

// checkedAPI is an API whose every response is held to the contract.
type checkedAPI struct {
	huma.API
	adapter checkedAdapter
}

func (c checkedAPI) Adapter() huma.Adapter { return c.adapter }

type checkedAdapter struct {
	huma.Adapter
	t        testing.TB
	contract *contract
}

func (a checkedAdapter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := httptest.NewRecorder()
	a.Adapter.ServeHTTP(rec, r)
	if err := a.contract.check(r, rec.Code, rec.Header(), rec.Body.Bytes()); err != nil {
		a.t.Error(err)
	}
	for k, vs := range rec.Header() {
		w.Header()[k] = vs
	}
	w.WriteHeader(rec.Code)
	_, _ = io.Copy(w, rec.Body)
}

func checked(t testing.TB, a huma.API) huma.API {
	return checkedAPI{API: a, adapter: checkedAdapter{Adapter: a.Adapter(), t: t, contract: newContract(t, a.Adapter())}}
}

// TestContractCatchesUndocumentedAnswers: the check is not a formality.
func TestContractCatchesUndocumentedAnswers(t *testing.T) {
	a := api.NewAPI(api.Deps{Logger: quietLogger()})
	c := newContract(t, a.Adapter())
	get := func(path string) *http.Request { return httptest.NewRequest(http.MethodGet, path, nil) }
	json := http.Header{"Content-Type": {"application/json"}}
	problem := http.Header{"Content-Type": {"application/problem+json"}}
	product := fmt.Sprintf(`{"id":%q,"sku":"A","name":"a","description":"","price_cents":1,"currency":"EUR","active":true,`+
		`"low_stock_threshold":0,"on_hand":1,"reserved":0,"available":1,"created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:00Z"}`, uuid.New())
	good := []struct {
		r      *http.Request
		status int
		header http.Header
		body   string
	}{
		{get("/api/v1/products/" + uuid.NewString()), 200, json, product},
		{get("/api/v1/products/" + uuid.NewString()), 404, problem, `{"title":"Not Found","status":404,"detail":"product not found"}`},
		{get("/docs"), 200, nil, "<html>"}, // not an operation: not checked
	}
	for _, g := range good {
		if err := c.check(g.r, g.status, g.header, []byte(g.body)); err != nil {
			t.Errorf("a documented answer failed: %v", err)
		}
	}
	bad := []struct {
		why    string
		status int
		body   string
	}{
		{"status not documented", http.StatusTeapot, `{}`},
		{"id not a uuid", 200, strings.Replace(product, `"id":"`, `"id":"x`, 1)},
		{"field missing", 200, `{"id":"` + uuid.NewString() + `"}`},
		{"problem of the wrong shape", 404, `{"status":"missing"}`},
	}
	for _, b := range bad {
		header := json
		if b.status >= 400 {
			header = problem
		}
		err := c.check(get("/api/v1/products/"+uuid.NewString()), b.status, header, []byte(b.body))
		if err == nil {
			t.Errorf("%s: passed the contract", b.why)
		}
	}
}

package api

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/acme/orders/internal/orders"
)

// newServer serves the real handler; only routes that need no service are
// called through it here.
func newServer(t *testing.T, opts Options) *httptest.Server {
	t.Helper()
	if opts.MaxBodyBytes == 0 {
		opts.MaxBodyBytes = 1 << 20
	}
	srv := httptest.NewServer(NewHandler(Deps{Options: opts, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}))
	t.Cleanup(srv.Close)
	return srv
}

func get(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

func TestDocsPagesUseOnlyEmbeddedAssets(t *testing.T) {
	srv := newServer(t, Options{})
	for _, page := range []struct{ path, asset string }{
		{"/docs", "/docs/assets/swagger-ui/swagger-ui-bundle.js"},
		{"/redoc", "/docs/assets/redoc/redoc.standalone.js"},
	} {
		resp, body := get(t, srv.URL+page.path)
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("%s: %d %s", page.path, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		if !strings.Contains(body, page.asset) || !strings.Contains(body, openAPIURL) {
			t.Fatalf("%s does not load %s and the OpenAPI document", page.path, page.asset)
		}
		if strings.Contains(body, "https://") || strings.Contains(body, "http://") {
			t.Fatalf("%s loads something from the internet", page.path)
		}
		resp, js := get(t, srv.URL+page.asset)
		if resp.StatusCode != http.StatusOK || len(js) < 100_000 {
			t.Fatalf("%s: %d, %d bytes", page.asset, resp.StatusCode, len(js))
		}
	}
	resp, _ := get(t, srv.URL+"/docs/assets/swagger-ui/swagger-ui.css")
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/css") {
		t.Fatalf("css: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}

func TestOpenAPIDocument(t *testing.T) {
	srv := newServer(t, Options{})
	resp, body := get(t, srv.URL+"/api/v1/openapi.json")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("openapi.json: %d", resp.StatusCode)
	}
	var doc struct {
		OpenAPI string                               `json:"openapi"`
		Paths   map[string]map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Fatalf("openapi version %q", doc.OpenAPI)
	}
	want := map[string]string{
		"/api/v1/utils/health-check":  "health-check",
		"/api/v1/utils/ready":         "ready",
		"/api/v1/utils/test-workflow": "test-workflow",
	}
	for path, id := range want {
		found := false
		for _, op := range doc.Paths[path] {
			found = found || op["operationId"] == id
		}
		if !found {
			t.Errorf("operation %s at %s missing from the document", id, path)
		}
	}
	resp, yaml := get(t, srv.URL+"/api/v1/openapi.yaml")
	if resp.StatusCode != http.StatusOK || !strings.Contains(yaml, "openapi: 3.1.0") {
		t.Fatalf("openapi.yaml: %d", resp.StatusCode)
	}
}

func TestTrailingSlashIsTheSameRoute(t *testing.T) {
	srv := newServer(t, Options{})
	for _, path := range []string{"/api/v1/utils/health-check", "/api/v1/utils/health-check/"} {
		if resp, _ := get(t, srv.URL+path); resp.StatusCode != http.StatusOK {
			t.Errorf("%s: %d", path, resp.StatusCode)
		}
	}
}

func TestUnknownRouteIsAProblem(t *testing.T) {
	srv := newServer(t, Options{})
	resp, body := get(t, srv.URL+"/api/v1/nope")
	if resp.StatusCode != http.StatusNotFound || resp.Header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("%d %s %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
}

func TestRequestIDIsEchoed(t *testing.T) {
	srv := newServer(t, Options{})
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/v1/utils/health-check", nil)
	req.Header.Set("X-Request-Id", "abc-123")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get("X-Request-Id"); got != "abc-123" {
		t.Fatalf("X-Request-Id %q", got)
	}
	resp, _ = get(t, srv.URL+"/api/v1/utils/health-check")
	if resp.Header.Get("X-Request-Id") == "" {
		t.Fatal("no request ID generated")
	}
}

func TestBodyLimit(t *testing.T) {
	srv := newServer(t, Options{MaxBodyBytes: 1024})
	body := `{"message":"` + strings.Repeat("x", 4096) + `"}`
	resp, err := http.Post(srv.URL+"/api/v1/utils/test-workflow", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("want 413, got %d", resp.StatusCode)
	}
}

func TestCORS(t *testing.T) {
	srv := newServer(t, Options{CORSOrigins: []string{"https://shop.example"}})
	for origin, allowed := range map[string]bool{"https://shop.example": true, "https://evil.example": false} {
		req, _ := http.NewRequest(http.MethodOptions, srv.URL+"/api/v1/utils/health-check", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", "GET")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Get("Access-Control-Allow-Origin") == origin; got != allowed {
			t.Errorf("origin %s: allowed=%v, want %v", origin, got, allowed)
		}
	}
}

func TestPanicBecomesABare500(t *testing.T) {
	var logs bytes.Buffer
	h := recoverer(slog.New(slog.NewTextHandler(&logs, nil)))(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("secret internal state")
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if rec.Code != http.StatusInternalServerError || rec.Header().Get("Content-Type") != "application/problem+json" {
		t.Fatalf("%d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	if strings.Contains(rec.Body.String(), "secret") {
		t.Fatalf("response leaks the panic: %s", rec.Body)
	}
	if !strings.Contains(logs.String(), "secret internal state") {
		t.Fatal("the panic was not logged")
	}
}

func TestResetPasswordPage(t *testing.T) {
	srv := newServer(t, Options{})
	resp, body := get(t, srv.URL+"/reset-password?token=abc")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `fetch("/api/v1/reset-password"`) ||
		resp.Header.Get("Referrer-Policy") != "no-referrer" {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
}

// TestNoArrayIsNullable: a list's data and an order's lines are never null,
// and the document says so, so that a generated client holds them as plain
// slices (oapi-codegen made them pointers to slices while they were
// nullable or optional).
func TestNoArrayIsNullable(t *testing.T) {
	srv := newServer(t, Options{})
	_, body := get(t, srv.URL+"/api/v1/openapi.json")
	var doc struct {
		Components struct {
			Schemas map[string]map[string]any `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatal(err)
	}
	var walk func(where string, s map[string]any)
	walk = func(where string, s map[string]any) {
		if types, ok := s["type"].([]any); ok {
			for _, ty := range types {
				if ty == "null" && slicesContain(types, "array") {
					t.Errorf("%s: a nullable array", where)
				}
			}
		}
		if s["nullable"] == true && s["type"] == "array" {
			t.Errorf("%s: a nullable array", where)
		}
		props, _ := s["properties"].(map[string]any)
		for name, p := range props {
			if ps, ok := p.(map[string]any); ok {
				walk(where+"."+name, ps)
			}
		}
		if items, ok := s["items"].(map[string]any); ok {
			walk(where+"[]", items)
		}
	}
	lists := 0
	for name, s := range doc.Components.Schemas {
		if name == "ErrorModel" {
			continue // Huma's problem body: errors is omitted when there are none
		}
		if name == "RefundBody" {
			continue // a request: it names lines or an amount
		}
		walk(name, s)
		props, _ := s["properties"].(map[string]any)
		required, _ := s["required"].([]any)
		for _, field := range []string{"data", "lines"} {
			if _, has := props[field]; has && !slicesContain(required, field) {
				t.Errorf("%s.%s is optional", name, field)
			}
		}
		if _, has := props["data"]; has {
			lists++
		}
	}
	if lists < 5 {
		t.Fatalf("only %d list schemas in the document", lists)
	}
}

func slicesContain(xs []any, want string) bool {
	for _, x := range xs {
		if x == want {
			return true
		}
	}
	return false
}

// TestTheDocumentStatesTheOrdersLineRules: the bounds the document shows
// are the ones Place enforces (orders.CheckLines), so that a client that
// keeps to the document is never refused by the domain.
func TestTheDocumentStatesTheOrdersLineRules(t *testing.T) {
	api := NewAPI(Deps{Options: Options{MaxBodyBytes: 1 << 20}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	schemas := api.OpenAPI().Components.Schemas.Map()
	body, line := schemas["PlaceOrderBody"], schemas["OrderLineInput"]
	if body == nil || line == nil {
		t.Fatalf("no PlaceOrderBody or OrderLineInput schema")
	}
	lines := body.Properties["lines"]
	if lines.MinItems == nil || *lines.MinItems != 1 || lines.MaxItems == nil || *lines.MaxItems != orders.MaxLines {
		t.Errorf("lines: %v to %v items, want 1 to %d", lines.MinItems, lines.MaxItems, orders.MaxLines)
	}
	q := line.Properties["quantity"]
	if q.Minimum == nil || *q.Minimum != 1 || q.Maximum == nil || *q.Maximum != float64(orders.MaxQuantity) {
		t.Errorf("quantity: %v to %v, want 1 to %d", q.Minimum, q.Maximum, orders.MaxQuantity)
	}
	found := false
	for path, item := range api.OpenAPI().Paths {
		if item.Post == nil || item.Post.OperationID != "place-order" {
			continue
		}
		for _, p := range item.Post.Parameters {
			if p.Name == "Idempotency-Key" {
				found = true
				if p.Schema.MaxLength == nil || *p.Schema.MaxLength != orders.MaxKeyLen {
					t.Errorf("%s Idempotency-Key: at most %v characters, want %d", path, p.Schema.MaxLength, orders.MaxKeyLen)
				}
			}
		}
	}
	if !found {
		t.Fatal("place-order has no Idempotency-Key")
	}
}

package api_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
)

// outageProbes are a public, an authenticated and an order endpoint.
func (p *platform) outageProbes(token, productID string) map[string]func() *httptest.ResponseRecorder {
	return map[string]func() *httptest.ResponseRecorder{
		"list products (public)": func() *httptest.ResponseRecorder { return p.api.Get("/api/v1/products") },
		"read me (authentication)": func() *httptest.ResponseRecorder {
			return p.api.Get("/api/v1/users/me", "Authorization: Bearer "+token)
		},
		"place an order": func() *httptest.ResponseRecorder {
			return p.api.Post("/api/v1/orders", "Authorization: Bearer "+token, "Idempotency-Key: "+uuid.NewString(),
				orderBody("tok_approve", line(productID, 1)))
		},
	}
}

func wantUnavailable(t *testing.T, name string, resp *httptest.ResponseRecorder) {
	t.Helper()
	if resp.Code != http.StatusServiceUnavailable || resp.Header().Get("Retry-After") == "" ||
		!strings.Contains(resp.Body.String(), "database is unavailable") {
		t.Errorf("%s: %d %v %s, want 503 with Retry-After", name, resp.Code, resp.Header(), resp.Body)
	}
}

// waitAnswers polls until the database is back for the API.
func (p *platform) waitAnswers() {
	p.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for p.api.Get("/api/v1/products").Code != http.StatusOK {
		if time.Now().After(deadline) {
			p.t.Fatal("the API did not recover after the database came back")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestDatabaseStoppedAnswers503: with PostgreSQL down, every kind of endpoint
// answers 503 with Retry-After (not 500), authentication included; once it
// is back, they answer again.
func TestDatabaseStoppedAnswers503(t *testing.T) {
	t.Parallel()
	p := newPlatform(t, func(s *settings) { s.ownDatabase, s.dbTimeout = true, 2*time.Second })
	mug := p.newProduct(1290, "EUR", 10)
	_, token := p.newUser(false, true)

	p.cluster.Stop(t)
	for name, probe := range p.outageProbes(token, mug.ID) {
		wantUnavailable(t, name, probe())
	}
	if code, _ := p.loginResponse(adminEmail, adminPassword); code != http.StatusServiceUnavailable {
		t.Errorf("log in: %d, want 503", code)
	}

	p.cluster.Start(t)
	p.waitAnswers()
	for name, probe := range p.outageProbes(token, mug.ID) {
		if resp := probe(); resp.Code >= 300 {
			t.Errorf("%s after the database came back: %d %s", name, resp.Code, resp.Body)
		}
	}
}

// TestDatabaseFrozenAnswers503WithinTheBound: with PostgreSQL frozen (its
// processes stopped: connections open, nothing answers), requests answer 503
// once DATABASE_TIMEOUT has passed instead of hanging, also when there are
// more of them than pooled connections.
func TestDatabaseFrozenAnswers503WithinTheBound(t *testing.T) {
	t.Parallel()
	const bound = time.Second
	p := newPlatform(t, func(s *settings) { s.ownDatabase, s.dbTimeout = true, bound })
	mug := p.newProduct(1290, "EUR", 10)
	_, token := p.newUser(false, true)

	p.cluster.Freeze(t)
	var wg sync.WaitGroup
	for i := range 12 { // three times the pool's 4 connections
		for name, probe := range p.outageProbes(token, mug.ID) {
			wg.Go(func() {
				start := time.Now()
				resp := probe()
				took := time.Since(start)
				wantUnavailable(t, name, resp)
				// The bound, the wait for a pooled connection included; the
				// slack is for a loaded machine, far below "as long as the freeze".
				if took > bound+5*time.Second {
					t.Errorf("%s #%d took %v with a %v bound", name, i, took, bound)
				}
			})
		}
	}
	wg.Wait()

	p.cluster.Thaw(t)
	p.waitAnswers()
	if resp := p.api.Get("/api/v1/users/me", "Authorization: Bearer "+token); resp.Code != http.StatusOK {
		t.Fatalf("after the thaw: %d %s", resp.Code, resp.Body)
	}
}

package api_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/acme/orders/api"
)

// BenchmarkGetOrder times GET /orders/{id} on a real PostgreSQL, as a
// customer (log-in token) and as an integrator (API key), with the
// credential verified once and remembered (as the API runs) and read on
// every request (CREDENTIAL_CACHE_TTL=0), side by side in one run:
//
//	go test -run '^$' -bench GetOrder -count 6 ./api/
func BenchmarkGetOrder(b *testing.B) {
	for _, c := range []struct {
		name   string
		reread bool
	}{{"remembered", false}, {"reread", true}} {
		p := newPlatform(b, func(s *settings) { s.noWorker, s.rereadCredentials = true, c.reread })
		mug := p.newProduct(1290, "EUR", 1_000)
		_, token := p.newUser(false, true)
		_, o := p.place(token, orderBody("tok_approve", line(mug.ID, 1)))
		key := p.newKey("erp", "orders:read").Key
		h := api.NewHandler(p.deps) // as served: no contract check of each answer
		for _, as := range []struct{ name, credential string }{{"login", token}, {"key", key}} {
			b.Run(c.name+"/"+as.name, func(b *testing.B) {
				for b.Loop() {
					req := httptest.NewRequest(http.MethodGet, "/api/v1/orders/"+o.ID, nil)
					req.Header.Set("Authorization", "Bearer "+as.credential)
					rec := httptest.NewRecorder()
					h.ServeHTTP(rec, req)
					if rec.Code != http.StatusOK {
						b.Fatalf("get: %d", rec.Code)
					}
				}
			})
		}
	}
}

package testenv

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// StripeMock is stripe-mock (bin/stripe-mock), Stripe's API test server,
// for one test, behind a proxy that records each call and can answer a
// path as Stripe would fail it (a decline, a 500, a 429). stripe-mock
// answers every call in the shape Stripe would, after checking the request
// against Stripe's OpenAPI document; it keeps no state.
type StripeMock struct {
	URL string // the proxy's: give it to the Stripe client as its API base

	mu     sync.Mutex
	calls  []string
	forced map[string][]forcedAnswer
}

type forcedAnswer struct {
	status int
	body   string
}

// StartStripeMock starts stripe-mock and its proxy for this test alone.
func StartStripeMock(t testing.TB) *StripeMock {
	t.Helper()
	Integration(t)
	mock, err := url.Parse(startStripeMock(t))
	if err != nil {
		t.Fatal(err)
	}
	m := &StripeMock{forced: map[string][]forcedAnswer{}}
	proxy := httputil.NewSingleHostReverseProxy(mock)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m.mu.Lock()
		m.calls = append(m.calls, r.Method+" "+r.URL.Path+" "+r.Header.Get("Idempotency-Key"))
		var f *forcedAnswer
		if q := m.forced[r.URL.Path]; len(q) > 0 {
			f, m.forced[r.URL.Path] = &q[0], q[1:]
		}
		m.mu.Unlock()
		if f != nil {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(f.status)
			_, _ = w.Write([]byte(f.body))
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	m.URL = srv.URL
	return m
}

// Fail answers the next call to path with status and body instead of
// stripe-mock (each call to Fail answers one call, in turn).
func (m *StripeMock) Fail(path string, status int, body string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.forced[path] = append(m.forced[path], forcedAnswer{status, body})
}

// Calls are the calls made so far, each "METHOD /path idempotency-key".
func (m *StripeMock) Calls() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.calls...)
}

// startStripeMock starts the server and returns its base URL.
func startStripeMock(t testing.TB) string {
	t.Helper()
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(root, "bin", "stripe-mock")
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("testenv: stripe-mock not found at %s: run `make tools` first", bin)
	}
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	// HTTPS on a port of its own choosing: its default one is fixed.
	cmd := exec.Command(bin, "-http-addr", fmt.Sprintf("127.0.0.1:%d", port), "-https-addr", "127.0.0.1:")
	if err := cmd.Start(); err != nil {
		t.Fatalf("testenv: start stripe-mock: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	deadline := time.Now().Add(30 * time.Second)
	for {
		req, _ := http.NewRequest(http.MethodGet, base+"/v1/balance", nil)
		req.SetBasicAuth("sk_test_123", "")
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return base
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("testenv: stripe-mock did not start: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

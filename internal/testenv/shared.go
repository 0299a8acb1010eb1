package testenv

import (
	"fmt"
	"os"
	"sync"
	"testing"
)

// Integration skips t under `go test -short`: the fast tier (make test-unit)
// runs without Temporal, Mailpit or a browser. Everything that starts one
// calls it, so a test that needs one is skipped there by itself.
func Integration(t testing.TB) {
	t.Helper()
	if testing.Short() {
		t.Skip("integration test: needs Temporal or Mailpit; skipped with -short")
	}
}

// A test package shares one Temporal dev server, one Mailpit and one real
// Temporal server among its tests, started on first use; tests keep apart
// by task queue and by the addresses they mail to. Main stops them when the package's tests end.
var shared struct {
	mu       sync.Mutex
	temporal *Temporal
	mail     *Mailpit
	server   *TemporalServer
}

// Main runs a package's tests, then stops the servers they shared. Use it
// as TestMain: func TestMain(m *testing.M) { testenv.Main(m) }.
func Main(m *testing.M) {
	code := m.Run()
	shared.mu.Lock()
	if shared.temporal != nil {
		if err := shared.temporal.stop(); err != nil {
			fmt.Fprintln(os.Stderr, err)
		}
	}
	if shared.mail != nil {
		shared.mail.stop()
	}
	if shared.server != nil {
		if err := shared.server.Close(); err != nil {
			fmt.Fprintln(os.Stderr, err)
		}
	}
	shared.mu.Unlock()
	os.Exit(code)
}

// SharedTemporal is the package's Temporal dev server. Never stop it: a test
// that stops Temporal starts its own (StartTemporal).
func SharedTemporal(t testing.TB) *Temporal {
	t.Helper()
	Integration(t)
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if shared.temporal == nil {
		ts, err := newTemporal()
		if err == nil {
			err = ts.start()
		}
		if err != nil {
			t.Fatal(err)
		}
		shared.temporal = ts
	}
	return shared.temporal
}

// SharedMailpit is the package's Mailpit. Never stop it: a test that stops
// the mail relay starts its own (StartMailpit).
func SharedMailpit(t testing.TB) *Mailpit {
	t.Helper()
	Integration(t)
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if shared.mail == nil {
		m, err := newMailpit()
		if err == nil {
			err = m.start()
		}
		if err != nil {
			t.Fatal(err)
		}
		shared.mail = m
	}
	return shared.mail
}

// SharedTemporalServer is the package's real Temporal server on PostgreSQL
// (StartTemporalServer). Never stop it: a test that stops Temporal starts
// its own.
func SharedTemporalServer(t testing.TB) *TemporalServer {
	t.Helper()
	RequireTemporalServer(t)
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if shared.server == nil {
		s, err := RunTemporalServer()
		if err != nil {
			t.Fatal(err)
		}
		shared.server = s
	}
	return shared.server
}

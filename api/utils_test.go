package api_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/danielgtaylor/huma/v2/humatest"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/acme/orders/api"
	"github.com/acme/orders/db"
	"github.com/acme/orders/internal/config"
	"github.com/acme/orders/internal/temporalconn"
	"github.com/acme/orders/internal/testenv"
)

func quietLogger() *slog.Logger {
	if os.Getenv("TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// readyDeps wires what readiness reports on, as cmd does: a database and a
// client of the Temporal server at temporalAddr.
func readyDeps(t *testing.T, pool *pgxpool.Pool, temporalAddr string) api.Deps {
	t.Helper()
	tc, err := temporalconn.Dial(config.Temporal{Address: temporalAddr, Namespace: "default"}, quietLogger(), temporalconn.Instruments{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tc.Close)
	return api.Deps{Logger: quietLogger(), Options: api.Options{MaxBodyBytes: 1 << 20}, Checks: []api.Check{
		{Name: "postgres", Ping: db.NewStore(pool).Ping},
		{Name: "temporal", Ping: func(ctx context.Context) error { return temporalconn.Ping(ctx, tc) }},
	}}
}

// newTestAPI is the whole server (middleware included) behind humatest;
// every response it gives is held to the served document (contract_test.go).
func newTestAPI(t testing.TB, d api.Deps) humatest.TestAPI {
	t.Helper()
	return humatest.Wrap(t, checked(t, api.NewAPI(d)))
}

func TestHealthCheck(t *testing.T) {
	tapi := newTestAPI(t, api.Deps{Logger: quietLogger()})
	resp := tapi.Get("/api/v1/utils/health-check")
	if resp.Code != http.StatusOK || !strings.Contains(resp.Body.String(), `"ok"`) {
		t.Fatalf("health: %d %s", resp.Code, resp.Body)
	}
}

type problem struct {
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Errors []struct {
		Location string `json:"location"`
	} `json:"errors"`
}

// names reports whether the problem's details name location.
func (p problem) names(location string) bool {
	for _, e := range p.Errors {
		if e.Location == location {
			return true
		}
	}
	return false
}

func decodeProblem(t *testing.T, rec *httptest.ResponseRecorder) problem {
	t.Helper()
	if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("content type %q, want application/problem+json", ct)
	}
	var p problem
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
		t.Fatal(err)
	}
	return p
}

// waitFor polls the ready endpoint until it answers want, and says how long that took.
func waitFor(t *testing.T, tapi humatest.TestAPI, want int, limit time.Duration) (*httptest.ResponseRecorder, time.Duration) {
	t.Helper()
	start := time.Now()
	for {
		resp := tapi.Get("/api/v1/utils/ready")
		if resp.Code == want {
			return resp, time.Since(start)
		}
		if time.Since(start) > limit {
			t.Fatalf("ready did not answer %d within %s; last %d %s", want, limit, resp.Code, resp.Body)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestReadyFollowsTemporal(t *testing.T) {
	t.Parallel()
	pool, _ := testenv.NewPool(t)
	temporal := testenv.StartTemporal(t) // its own: it is stopped
	tapi := newTestAPI(t, readyDeps(t, pool, temporal.HostPort()))

	resp, _ := waitFor(t, tapi, http.StatusOK, 10*time.Second)
	if !strings.Contains(resp.Body.String(), `"ready"`) {
		t.Fatalf("ready body: %s", resp.Body)
	}

	temporal.Stop(t)
	resp, took := waitFor(t, tapi, http.StatusServiceUnavailable, 5*time.Second)
	t.Logf("503 %s after the Temporal server stopped", took)
	p := decodeProblem(t, resp)
	if !strings.Contains(p.Detail, "temporal") || len(p.Errors) != 1 || p.Errors[0].Location != "temporal" {
		t.Fatalf("503 must name temporal and only temporal: %+v", p)
	}

	temporal.Start(t)
	_, took = waitFor(t, tapi, http.StatusOK, 30*time.Second)
	t.Logf("200 %s after the Temporal server came back", took)
}

func TestReadyNamesPostgres(t *testing.T) {
	t.Parallel()
	temporal := testenv.SharedTemporal(t)
	// A pool on a database that does not exist: every connection attempt fails.
	pool, err := pgxpool.New(context.Background(), strings.Replace(testenv.AdminURL(), "/postgres?", "/orders_no_such_db?", 1))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	tapi := newTestAPI(t, readyDeps(t, pool, temporal.HostPort()))

	resp := tapi.Get("/api/v1/utils/ready")
	if resp.Code != http.StatusServiceUnavailable {
		t.Fatalf("want 503, got %d %s", resp.Code, resp.Body)
	}
	p := decodeProblem(t, resp)
	if !strings.Contains(p.Detail, "postgres") || strings.Contains(p.Detail, "temporal") {
		t.Fatalf("503 must name postgres only: %+v", p)
	}
	if strings.Contains(resp.Body.String(), "orders_no_such_db") {
		t.Fatalf("problem leaks internal detail: %s", resp.Body)
	}
}

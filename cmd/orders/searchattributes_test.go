package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/acme/orders/internal/testenv"
	"github.com/acme/orders/workflowclient"
)

// TestWorkerNeedsTheSearchAttributes: on a namespace without the order
// search attributes the worker stops at once, saying what to run; `orders
// register-search-attributes` adds them (again: nothing), and then the
// worker starts: it polls (ready) and serves its metrics.
func TestWorkerNeedsTheSearchAttributes(t *testing.T) {
	temporal := testenv.StartBareTemporal(t)
	metricsAddr := fmt.Sprintf("127.0.0.1:%d", testenv.FreePort(t))
	kv := platformEnv(temporal.HostPort(), testenv.NewDatabase(t), "orders-sa")
	kv["WORKER_METRICS_ADDR"] = metricsAddr
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()

	err := run(ctx, []string{"orders", "worker"}, envOf(kv), nil, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "lacks the search attributes") || !strings.Contains(err.Error(), "orders register-search-attributes") {
		t.Fatalf("worker on a bare namespace: %v", err)
	}

	var out bytes.Buffer
	if err := run(ctx, []string{"orders", "register-search-attributes"}, envOf(kv), nil, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "added to namespace default: CustomerEmail, OrderCurrency, OrderStatus, OrderStatusChangedAt, OrderTotalCents") {
		t.Fatalf("register: %s", out.String())
	}
	out.Reset()
	if err := run(ctx, []string{"orders", "register-search-attributes"}, envOf(kv), nil, &out); err != nil ||
		!strings.Contains(out.String(), "already has the order search attributes") {
		t.Fatalf("register again: %v %s", err, out.String())
	}

	workerCtx, stopWorker := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- run(workerCtx, []string{"orders", "worker"}, envOf(kv), nil, &bytes.Buffer{}) }()
	waitHTTP(t, "http://"+metricsAddr+"/ready", http.StatusOK, 30*time.Second)
	waitHTTP(t, "http://"+metricsAddr+"/metrics", http.StatusOK, time.Second)
	stopWorker()
	if err := <-done; err != nil {
		t.Fatalf("worker: %v", err)
	}
}

// TestTestServersHaveTheSearchAttributes: the dev servers the tests start
// carry exactly what `orders register-search-attributes` would add.
func TestTestServersHaveTheSearchAttributes(t *testing.T) {
	temporal := testenv.StartTemporal(t)
	missing, err := workflowclient.MissingSearchAttributes(t.Context(), temporal.Client(t), "default")
	if err != nil || len(missing) > 0 {
		t.Fatalf("testenv.SearchAttributes lack %v (%v)", missing, err)
	}
}

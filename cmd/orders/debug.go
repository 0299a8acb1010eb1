package main

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/pprof"
	"sync/atomic"
	"time"

	"github.com/acme/orders/internal/telemetry"
)

// serveDebug serves Go's profiles on DEBUG_ADDR until ctx ends, when that is
// set: `go tool pprof http://ADDR/debug/pprof/profile?seconds=30` profiles a
// live API or worker.
func serveDebug(ctx context.Context, e env) {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	serveSide(ctx, e, "debug listener serving /debug/pprof/", e.cfg.Debug.Addr, mux)
}

// The worker's side listener paths, for probes and healthchecks.
const (
	workerLivePath  = "/health-check" // 200 while the process serves
	workerReadyPath = "/ready"        // 200 while the worker polls its task queue, else 503
)

// serveWorkerHTTP serves the worker's metrics (/metrics, Prometheus) and
// its liveness and readiness on WORKER_METRICS_ADDR, when that is set.
func serveWorkerHTTP(ctx context.Context, e env, polling *atomic.Bool) {
	serveSide(ctx, e, "worker listener serving /metrics, "+workerLivePath+", "+workerReadyPath,
		e.cfg.Telemetry.WorkerMetricsAddr, workerMux(e.tel, polling))
}

func workerMux(tel *telemetry.Telemetry, polling *atomic.Bool) *http.ServeMux {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", tel.Metrics)
	mux.HandleFunc("GET "+workerLivePath, func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "ok\n")
	})
	mux.HandleFunc("GET "+workerReadyPath, func(w http.ResponseWriter, _ *http.Request) {
		if !polling.Load() {
			http.Error(w, "not polling", http.StatusServiceUnavailable)
			return
		}
		_, _ = io.WriteString(w, "polling\n")
	})
	return mux
}

// serveSide serves h on addr beside the process's work until ctx ends; an
// empty addr serves nothing. It never stops the process it serves: a
// failure is logged.
func serveSide(ctx context.Context, e env, what, addr string, h http.Handler) {
	if addr == "" {
		return
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		e.logger.Error(what+": not started", "addr", addr, "error", err)
		return
	}
	e.logger.Info(what, "addr", ln.Addr().String())
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			e.logger.Error(what+": stopped", "error", err)
		}
	}()
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
}

package main

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/pprof"
	"time"
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

// serveWorkerMetrics serves the worker's metrics on WORKER_METRICS_ADDR
// (/metrics, Prometheus), when that is set.
func serveWorkerMetrics(ctx context.Context, e env) {
	mux := http.NewServeMux()
	mux.Handle("/metrics", e.tel.Metrics)
	serveSide(ctx, e, "metrics listener serving /metrics", e.cfg.Telemetry.WorkerMetricsAddr, mux)
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

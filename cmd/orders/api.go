package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"

	"github.com/acme/orders/api"
	"github.com/acme/orders/db"
	"github.com/acme/orders/internal/accounts"
	"github.com/acme/orders/internal/outbox"
)

func runAPI(ctx context.Context, e env, _ []string) error {
	d, err := openDeps(ctx, e)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := ensureFirstSuperuser(ctx, e, d); err != nil {
		return err
	}
	return serveAPI(ctx, e, d)
}

// ensureFirstSuperuser creates FIRST_SUPERUSER when no account has that
// address. Several API processes may run it at once: the insert is idempotent.
func ensureFirstSuperuser(ctx context.Context, e env, d *deps) error {
	if e.cfg.FirstSuperuser == "" {
		return nil
	}
	created, err := accounts.EnsureSuperuser(ctx, db.New(d.pool), e.cfg.FirstSuperuser, e.cfg.FirstSuperuserPassword)
	if err != nil {
		return fmt.Errorf("first superuser: %w", err)
	}
	if created {
		e.logger.Info("first superuser created", "email", e.cfg.FirstSuperuser)
	}
	return nil
}

// serveAPI serves the API and runs the outbox relay until ctx ends.
func serveAPI(ctx context.Context, e env, d *deps) error {
	// Orders accepted while Temporal was unreachable get their workflow here.
	relay := &outbox.Starter{DB: d.pool, Temporal: d.temporal, Config: e.cfg, Logger: e.logger}
	go relay.Relay(ctx)
	return serveHTTP(ctx, e, api.NewHandler(api.Deps{Config: e.cfg, Logger: e.logger, DB: d.pool, Temporal: d.temporal}))
}

// serveHTTP listens on HTTP_ADDR until ctx ends, then stops accepting and
// lets in-flight requests finish within HTTP_SHUTDOWN_TIMEOUT.
func serveHTTP(ctx context.Context, e env, handler http.Handler) error {
	srv := &http.Server{
		Addr:              e.cfg.HTTPAddr,
		Handler:           handler,
		ReadHeaderTimeout: e.cfg.HTTPReadTimeout,
		ReadTimeout:       e.cfg.HTTPReadTimeout,
		WriteTimeout:      e.cfg.HTTPWriteTimeout,
		IdleTimeout:       e.cfg.HTTPIdleTimeout,
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	ln, err := net.Listen("tcp", e.cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("HTTP_ADDR %s: %w", e.cfg.HTTPAddr, err)
	}
	e.logger.Info("API listening", "addr", ln.Addr().String(), "config", e.cfg)

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	e.logger.Info("API shutting down: draining in-flight requests", "timeout", e.cfg.HTTPShutdownTimeout)
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), e.cfg.HTTPShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("HTTP shutdown: %w", err)
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"

	"github.com/acme/orders/api"
)

func runAPI(ctx context.Context, e env, _ []string) error {
	ctx, cancel := context.WithCancel(ctx) // the side listeners end with the command
	defer cancel()
	if err := waitForSchema(ctx, e); err != nil || ctx.Err() != nil {
		return err
	}
	d, err := openDeps(ctx, e)
	if err != nil {
		if ctx.Err() != nil {
			return nil // stopped while connecting: a clean stop
		}
		return err
	}
	defer d.Close()
	serveDebug(ctx, e)
	if err := ensureFirstSuperuser(ctx, e, d); err != nil {
		return err
	}
	return serveAPI(ctx, e, d)
}

// ensureFirstSuperuser creates FIRST_SUPERUSER when no account has that
// address. Several API processes may run it at once: the insert is idempotent.
func ensureFirstSuperuser(ctx context.Context, e env, d *deps) error {
	a := e.cfg.Accounts
	if a.FirstSuperuser == "" {
		return nil
	}
	created, err := d.accounts(e).EnsureSuperuser(ctx, a.FirstSuperuser, a.FirstSuperuserPassword)
	if err != nil {
		return fmt.Errorf("first superuser: %w", err)
	}
	if created {
		e.logger.Info("first superuser created", "email", a.FirstSuperuser)
	}
	return nil
}

// serveAPI serves the API, runs the outbox relay and writes the API keys'
// counted uses until ctx ends.
func serveAPI(ctx context.Context, e env, d *deps) error {
	ord := d.orders(e)
	if err := ord.ObserveOutbox(e.tel.Meter); err != nil {
		return fmt.Errorf("outbox metrics: %w", err)
	}
	// Orders accepted while Temporal was unreachable get their workflow here.
	go ord.Relay(ctx)
	keys := d.apiKeys(e)
	go keys.Run(ctx, e.logger)
	return serveHTTP(ctx, e, api.NewHandler(d.apiDeps(e, ord, keys, ctx.Done())))
}

// serveHTTP listens on HTTP_ADDR until ctx ends, then stops accepting and
// lets in-flight requests finish within HTTP_SHUTDOWN_TIMEOUT.
func serveHTTP(ctx context.Context, e env, handler http.Handler) error {
	c := e.cfg.HTTP
	srv := &http.Server{
		Addr:              c.Addr,
		Handler:           handler,
		ReadHeaderTimeout: c.ReadTimeout,
		ReadTimeout:       c.ReadTimeout,
		WriteTimeout:      c.WriteTimeout,
		IdleTimeout:       c.IdleTimeout,
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		return fmt.Errorf("HTTP_ADDR %s: %w", c.Addr, err)
	}
	e.logger.Info("API listening", "addr", ln.Addr().String(), "environment", e.cfg.Environment)

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	e.logger.Info("API shutting down: draining in-flight requests", "timeout", c.ShutdownTimeout)
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("HTTP shutdown: %w", err)
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

package main

import (
	"context"
	"fmt"
	"sync/atomic"

	"golang.org/x/sync/errgroup"

	"github.com/acme/orders/migrations"
)

// runDev is the local all-in-one: migrate, then API and worker side by side.
// When either stops with an error, the other is stopped too.
func runDev(ctx context.Context, e env, _ []string) error {
	ctx, cancel := context.WithCancel(ctx) // the side listeners end with the command
	defer cancel()
	if err := migrations.Up(e.cfg.Database.URL); err != nil {
		return fmt.Errorf("migrate up: %w", err)
	}
	d, err := openDeps(ctx, e)
	if err != nil {
		return err
	}
	defer d.Close()
	serveDebug(ctx, e)
	if err := ensureFirstSuperuser(ctx, e, d); err != nil {
		return err
	}
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return serveAPI(gctx, e, d) })
	g.Go(func() error { return serveWorker(gctx, e, d, new(atomic.Bool)) })
	return g.Wait()
}

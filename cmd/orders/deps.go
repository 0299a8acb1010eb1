package main

import (
	"context"

	"github.com/jackc/pgx/v5/pgxpool"
	"go.temporal.io/sdk/client"

	"github.com/acme/orders/db"
	"github.com/acme/orders/internal/temporalconn"
	"github.com/acme/orders/workflows"
)

// deps are the long-lived connections the API and the worker share.
type deps struct {
	pool      *pgxpool.Pool
	store     *db.Store
	temporal  client.Client
	workflows *workflows.Client
}

func openDeps(ctx context.Context, e env) (*deps, error) {
	pool, err := db.NewPool(ctx, e.cfg.Database.URL, e.cfg.Database.MaxConns)
	if err != nil {
		return nil, err
	}
	tc, err := temporalconn.Dial(e.cfg.Temporal, e.logger)
	if err != nil {
		pool.Close()
		return nil, err
	}
	wf := workflows.NewClient(tc, workflows.ClientOptions{TaskQueue: e.cfg.Temporal.TaskQueue, EmailsEnabled: e.cfg.SMTP.Enabled()})
	return &deps{pool: pool, store: db.NewStore(pool), temporal: tc, workflows: wf}, nil
}

func (d *deps) Close() {
	d.temporal.Close()
	d.pool.Close()
}

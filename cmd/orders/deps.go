package main

import (
	"context"

	"github.com/jackc/pgx/v5/pgxpool"
	"go.temporal.io/sdk/client"

	"github.com/acme/orders/db"
	"github.com/acme/orders/internal/config"
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
	pool, store, err := openDatabase(ctx, e.cfg.Database, e.cfg.Database.MaxConns)
	if err != nil {
		return nil, err
	}
	tc, err := temporalconn.Dial(e.cfg.Temporal, e.logger)
	if err != nil {
		pool.Close()
		return nil, err
	}
	wf := workflows.NewClient(tc, workflows.ClientOptions{TaskQueue: e.cfg.Temporal.TaskQueue, EmailsEnabled: e.cfg.SMTP.Enabled()})
	return &deps{pool: pool, store: store, temporal: tc, workflows: wf}, nil
}

// openDatabase opens a pool of maxConns connections and the Store over it,
// both bounded by the configured timeouts.
func openDatabase(ctx context.Context, c config.Database, maxConns int32) (*pgxpool.Pool, *db.Store, error) {
	pool, err := db.NewPool(ctx, c.URL, db.PoolOptions{
		MaxConns: maxConns, StatementTimeout: c.Timeout, LockTimeout: c.LockTimeout, ConnectTimeout: c.Timeout,
	})
	if err != nil {
		return nil, nil, err
	}
	return pool, db.NewStore(pool).WithTimeout(c.Timeout), nil
}

func (d *deps) Close() {
	d.temporal.Close()
	d.pool.Close()
}

package main

import (
	"context"

	"github.com/jackc/pgx/v5/pgxpool"
	"go.temporal.io/sdk/client"

	"github.com/acme/orders/db"
	"github.com/acme/orders/internal/temporalconn"
)

// deps are the long-lived connections the API and the worker share.
type deps struct {
	pool     *pgxpool.Pool
	temporal client.Client
}

func openDeps(ctx context.Context, e env) (*deps, error) {
	pool, err := db.NewPool(ctx, e.cfg.DatabaseURL, e.cfg.DatabaseMaxConns)
	if err != nil {
		return nil, err
	}
	tc, err := temporalconn.Dial(ctx, e.cfg, e.logger)
	if err != nil {
		pool.Close()
		return nil, err
	}
	return &deps{pool: pool, temporal: tc}, nil
}

func (d *deps) Close() {
	d.temporal.Close()
	d.pool.Close()
}

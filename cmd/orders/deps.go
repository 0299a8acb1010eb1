package main

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5/pgxpool"
	"go.temporal.io/sdk/client"

	"github.com/acme/orders/db"
	"github.com/acme/orders/internal/config"
	"github.com/acme/orders/internal/events"
	"github.com/acme/orders/internal/orders"
	"github.com/acme/orders/internal/telemetry"
	"github.com/acme/orders/internal/temporalconn"
	"github.com/acme/orders/internal/upkeep"
	"github.com/acme/orders/workflowclient"
)

// deps are the long-lived connections the API and the worker share.
type deps struct {
	pool          *pgxpool.Pool
	store         *db.Store
	temporal      client.Client
	workflows     *workflowclient.Client
	metrics       *orders.Metrics
	eventMetrics  *events.Metrics
	upkeepMetrics *upkeep.Metrics
	// listener tells the event streams and the webhook pumps of committed
	// events (LISTEN/NOTIFY); it runs until openDeps' ctx ends.
	listener *db.Listener
	events   *events.Store
}

func openDeps(ctx context.Context, e env) (*deps, error) {
	// The counters first: they hold no connection to close on failure.
	metrics, err1 := orders.NewMetrics(e.tel.Meter)
	eventMetrics, err2 := events.NewMetrics(e.tel.Meter)
	upkeepMetrics, err3 := upkeep.NewMetrics(e.tel.Meter)
	if err := errors.Join(err1, err2, err3); err != nil {
		return nil, err
	}
	pool, store, err := openDatabase(ctx, e.cfg.Database, e.cfg.Database.MaxConns, e.tel)
	if err != nil {
		return nil, err
	}
	tc, err := dialTemporal(e)
	if err != nil {
		pool.Close()
		return nil, err
	}
	wf := workflowclient.NewClient(tc, workflowclient.ClientOptions{TaskQueue: e.cfg.Temporal.TaskQueue, EmailsEnabled: e.cfg.SMTP.Enabled()})
	listener := db.NewListener(pool, e.logger)
	go listener.Run(ctx)
	return &deps{
		pool: pool, store: store, temporal: tc, workflows: wf, metrics: metrics, eventMetrics: eventMetrics, upkeepMetrics: upkeepMetrics,
		listener: listener, events: events.NewStore(store, listener),
	}, nil
}

// openDatabase opens a pool of maxConns connections and the Store over it,
// both bounded by the configured timeouts, traced and measured by tel.
func openDatabase(ctx context.Context, c config.Database, maxConns int32, tel *telemetry.Telemetry) (*pgxpool.Pool, *db.Store, error) {
	pool, err := db.NewPool(ctx, c.URL, db.PoolOptions{
		MaxConns: maxConns, StatementTimeout: c.Timeout, LockTimeout: c.LockTimeout, ConnectTimeout: c.Timeout,
		Tracer: tel.Tracer, Meter: tel.Meter,
	})
	if err != nil {
		return nil, nil, err
	}
	return pool, db.NewStore(pool).WithTimeout(c.Timeout), nil
}

// dialTemporal is the platform's Temporal client, traced and measured by
// e.tel (its workers too).
func dialTemporal(e env) (client.Client, error) {
	interceptors, err := workflowclient.Interceptors(e.tel.Tracer)
	if err != nil {
		return nil, err
	}
	return temporalconn.Dial(e.cfg.Temporal, e.logger, temporalconn.Instruments{Interceptors: interceptors, Meter: e.tel.Meter})
}

func (d *deps) Close() {
	d.temporal.Close()
	d.pool.Close()
}

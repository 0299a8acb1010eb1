// Package db holds the sqlc-generated queries (never edit the generated files;
// change db/queries and run `make generate`), the connection pool, and Store,
// through which the domain packages query with errors translated.
package db

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"
)

// PoolOptions are the pool's size and the server-side bounds every one of
// its connections runs under.
type PoolOptions struct {
	MaxConns int32
	// StatementTimeout is the server's statement_timeout (0: none): a
	// statement running longer is cancelled and its locks released.
	StatementTimeout time.Duration
	// LockTimeout is the server's lock_timeout (0: none): how long a
	// statement waits for a row or table lock before giving up.
	LockTimeout time.Duration
	// ConnectTimeout bounds dialling and the start-up exchange of a new
	// connection (0: the caller's context alone).
	ConnectTimeout time.Duration
	// Tracer gets a span per statement, Meter the statement and pool
	// metrics; nil: none.
	Tracer trace.TracerProvider
	Meter  metric.MeterProvider
}

// NewPool opens a pool and checks that the database answers before returning.
func NewPool(ctx context.Context, databaseURL string, o PoolOptions) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(databaseURL)
	if err != nil {
		return nil, fmt.Errorf("parse DATABASE_URL: %w", err)
	}
	cfg.MaxConns = o.MaxConns
	cfg.MaxConnIdleTime = 5 * time.Minute
	cfg.HealthCheckPeriod = 30 * time.Second
	if o.ConnectTimeout > 0 {
		cfg.ConnConfig.ConnectTimeout = o.ConnectTimeout
	}
	params := cfg.ConnConfig.RuntimeParams
	if o.StatementTimeout > 0 {
		params["statement_timeout"] = strconv.FormatInt(o.StatementTimeout.Milliseconds(), 10)
	}
	if o.LockTimeout > 0 {
		params["lock_timeout"] = strconv.FormatInt(o.LockTimeout.Milliseconds(), 10)
	}
	instrument(cfg, o.Tracer, o.Meter)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open pool: %w", err)
	}
	if err := recordPoolStats(pool, o.Meter); err != nil {
		pool.Close()
		return nil, fmt.Errorf("pool metrics: %w", err)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := pool.Ping(pingCtx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	return pool, nil
}

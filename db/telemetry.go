package db

import (
	"context"
	"strings"

	"github.com/exaring/otelpgx"
	"github.com/jackc/pgx/v5/pgxpool"
	"go.opentelemetry.io/otel/metric"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/trace"
	tracenoop "go.opentelemetry.io/otel/trace/noop"
)

// instrument gives every statement a span (a child of the caller's: the
// request's or the activity's) named after its sqlc query, and records
// statement durations per query and the pool's use
// (pgxpool_acquired_connections, pgxpool_empty_acquire_wait_time, ...), to
// the providers that are set. Taking a connection from the pool has no span
// of its own: it was a quarter of all the spans the platform exported, and
// a wait for a connection shows as the gap before the statement's span and
// in the pool's metrics.
func instrument(cfg *pgxpool.Config, tp trace.TracerProvider, mp metric.MeterProvider) {
	if tp == nil && mp == nil {
		return
	}
	if tp == nil {
		tp = tracenoop.NewTracerProvider()
	}
	if mp == nil {
		mp = metricnoop.NewMeterProvider()
	}
	cfg.ConnConfig.Tracer = otelpgx.NewTracer(
		otelpgx.WithTracerProvider(tp), otelpgx.WithMeterProvider(mp),
		otelpgx.WithSpanNameFunc(queryName), otelpgx.WithDisableAcquireTracer(),
		otelpgx.WithMetricOperationName(func(_ context.Context, stmt string) string { return queryName(stmt) }),
	)
}

func recordPoolStats(pool *pgxpool.Pool, mp metric.MeterProvider) error {
	if mp == nil {
		return nil
	}
	return otelpgx.RecordStats(pool, otelpgx.WithStatsMeterProvider(mp))
}

// queryName is the name sqlc gives a statement ("-- name: PlaceOrder :one"
// heads each generated one), else its first word (BEGIN, COMMIT, ...).
func queryName(stmt string) string {
	if rest, ok := strings.CutPrefix(stmt, "-- name: "); ok {
		if name, _, ok := strings.Cut(rest, " "); ok {
			return name
		}
	}
	return otelpgx.SQLOperationName(context.Background(), stmt)
}

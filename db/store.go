package db

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// DefaultTimeout bounds each statement, or each transaction, run through a
// Store unless WithTimeout says otherwise.
const DefaultTimeout = 5 * time.Second

// Store is how the domain packages reach PostgreSQL: every query made through
// it returns translated errors (ErrNotFound, *ConstraintError,
// ErrUnavailable), so pgx's own errors never travel further than this
// package. Each statement outside a transaction, and each transaction as a
// whole, gets a bounded time, waiting for a pooled connection included: a
// frozen or unreachable server costs a caller at most that long.
type Store struct {
	pool    *pgxpool.Pool
	timeout time.Duration
}

// NewStore wraps a pool, with DefaultTimeout.
func NewStore(pool *pgxpool.Pool) *Store { return &Store{pool: pool, timeout: DefaultTimeout} }

// WithTimeout returns a Store over the same pool whose statements and
// transactions each get at most d.
func (s *Store) WithTimeout(d time.Duration) *Store { return &Store{pool: s.pool, timeout: d} }

// Q runs queries outside a transaction, one statement each.
func (s *Store) Q() *Queries {
	return New(translating{db: s.pool, bound: func(ctx context.Context) (context.Context, context.CancelFunc) {
		return context.WithTimeout(ctx, s.timeout)
	}})
}

// InTx runs fn in one transaction, committing when it returns nil and rolling
// back otherwise. Multi-statement writes go through here. The whole
// transaction, from waiting for a connection to the commit, has the Store's
// timeout.
func (s *Store) InTx(ctx context.Context, fn func(q *Queries) error) error {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	deadline, _ := ctx.Deadline()
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", translate(err))
	}
	defer tx.Rollback(ctx) //nolint:errcheck // a no-op after commit; past the deadline pgx closes the connection, which ends the transaction too
	err = fn(New(translating{db: tx, bound: func(ctx context.Context) (context.Context, context.CancelFunc) {
		return context.WithDeadline(ctx, deadline)
	}}))
	if err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("commit: %w", translate(err))
	}
	return nil
}

// Ping is a round trip through the pool and the query path the app uses.
func (s *Store) Ping(ctx context.Context) error {
	_, err := s.Q().Ping(ctx)
	return err
}

// translating is a DBTX whose errors are translated and whose statements
// run within bound; sqlc's generated code runs on it unchanged.
type translating struct {
	db    DBTX
	bound func(context.Context) (context.Context, context.CancelFunc)
}

func (t translating) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	ctx, cancel := t.bound(ctx)
	defer cancel()
	tag, err := t.db.Exec(ctx, sql, args...)
	return tag, translate(err)
}

func (t translating) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	ctx, cancel := t.bound(ctx)
	rows, err := t.db.Query(ctx, sql, planned(sql, args)...)
	if err != nil {
		cancel()
		return nil, translate(err)
	}
	return translatedRows{Rows: rows, cancel: cancel}, nil
}

func (t translating) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	ctx, cancel := t.bound(ctx)
	return translatedRow{row: t.db.QueryRow(ctx, sql, planned(sql, args)...), cancel: cancel}
}

// planned is a statement's arguments as pgx takes them. The lists (sqlc's
// List... and Count... queries) have optional filters (sqlc.narg IS NULL OR
// ...), so a plan made for no filter (a walk of the newest-first index)
// would be a full scan for a rare search, and one made for a search would
// be slow without one: they run as unnamed statements, which PostgreSQL
// plans for the arguments of each call. The other queries keep their
// prepared, cached plans.
func planned(sql string, args []any) []any {
	if strings.HasPrefix(sql, "-- name: List") || strings.HasPrefix(sql, "-- name: Count") {
		return append([]any{pgx.QueryExecModeCacheDescribe}, args...)
	}
	return args
}

// translatedRow ends the statement's bound once it is read.
type translatedRow struct {
	row    pgx.Row
	cancel context.CancelFunc
}

func (r translatedRow) Scan(dest ...any) error {
	defer r.cancel()
	return translate(r.row.Scan(dest...))
}

// translatedRows translates what Rows reports (sqlc reads errors from Scan
// and Err) and ends the statement's bound on Close.
type translatedRows struct {
	pgx.Rows
	cancel context.CancelFunc
}

func (r translatedRows) Scan(dest ...any) error { return translate(r.Rows.Scan(dest...)) }
func (r translatedRows) Err() error             { return translate(r.Rows.Err()) }
func (r translatedRows) Close() {
	r.Rows.Close()
	r.cancel()
}

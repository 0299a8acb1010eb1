package db

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Store is how the domain packages reach PostgreSQL: every query made through
// it returns translated errors (ErrNotFound, *ConstraintError), so pgx's own
// errors never travel further than this package.
type Store struct {
	pool *pgxpool.Pool
}

// NewStore wraps a pool.
func NewStore(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }

// Q runs queries outside a transaction, one statement each.
func (s *Store) Q() *Queries { return New(translating{s.pool}) }

// InTx runs fn in one transaction, committing when it returns nil and rolling
// back otherwise. Multi-statement writes go through here.
func (s *Store) InTx(ctx context.Context, fn func(q *Queries) error) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", translate(err))
	}
	defer tx.Rollback(ctx) //nolint:errcheck // a no-op after commit
	if err := fn(New(translating{tx})); err != nil {
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

// translating is a DBTX whose errors are translated; sqlc's generated code
// runs on it unchanged.
type translating struct{ db DBTX }

func (t translating) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	tag, err := t.db.Exec(ctx, sql, args...)
	return tag, translate(err)
}

func (t translating) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	rows, err := t.db.Query(ctx, sql, args...)
	if err != nil {
		return nil, translate(err)
	}
	return translatedRows{rows}, nil
}

func (t translating) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	return translatedRow{t.db.QueryRow(ctx, sql, args...)}
}

type translatedRow struct{ row pgx.Row }

func (r translatedRow) Scan(dest ...any) error { return translate(r.row.Scan(dest...)) }

// translatedRows translates what Rows reports; sqlc reads errors from Scan
// and Err.
type translatedRows struct{ pgx.Rows }

func (r translatedRows) Scan(dest ...any) error { return translate(r.Rows.Scan(dest...)) }
func (r translatedRows) Err() error             { return translate(r.Rows.Err()) }

package db

import (
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// ErrNotFound is what a query that finds no row returns, through Store.
// Domain packages turn it into their own "not found".
var ErrNotFound = errors.New("no such row")

// Constraint kinds, by the SQLSTATE class PostgreSQL reports them with.
const (
	UniqueViolation     = "23505"
	ForeignKeyViolation = "23503"
	CheckViolation      = "23514"
)

// ConstraintError is a write that a database constraint refused. Domain
// packages tell them apart by Constraint, the constraint's name in the
// migrations, and map each to their own sentinel.
type ConstraintError struct {
	Code       string // UniqueViolation, ForeignKeyViolation or CheckViolation
	Constraint string
	Table      string
	err        error
}

func (e *ConstraintError) Error() string {
	return fmt.Sprintf("constraint %s on %s (SQLSTATE %s)", e.Constraint, e.Table, e.Code)
}

func (e *ConstraintError) Unwrap() error { return e.err }

// Violates reports whether err is a refusal by the named constraint.
func Violates(err error, constraint string) bool {
	var ce *ConstraintError
	return errors.As(err, &ce) && ce.Constraint == constraint
}

// translate turns the driver's errors into this package's: no rows becomes
// ErrNotFound, a constraint violation a *ConstraintError. Anything else is
// returned as it is.
func translate(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("%w (%w)", ErrNotFound, err)
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case UniqueViolation, ForeignKeyViolation, CheckViolation:
			return &ConstraintError{Code: pgErr.Code, Constraint: pgErr.ConstraintName, Table: pgErr.TableName, err: err}
		}
	}
	return err
}

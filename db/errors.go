package db

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// ErrNotFound is what a query that finds no row returns, through Store.
// Domain packages turn it into their own "not found".
var ErrNotFound = errors.New("no such row")

// ErrUnavailable wraps every error that means "the database cannot be reached
// now": connection refused or lost, no pooled connection within the bound,
// the server shutting down, a statement or lock that ran out of time. It is
// worth retrying later; the API answers 503. It reports Unavailable() true,
// so that layers which must not import db recognise it by behaviour.
var ErrUnavailable error = outage("the database is unavailable; try again later")

type outage string

func (o outage) Error() string { return string(o) }

// Unavailable marks a dependency outage (see ErrUnavailable).
func (outage) Unavailable() bool { return true }

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

// translate turns the driver's errors into this package's: no rows becomes
// ErrNotFound, a constraint violation a *ConstraintError, an outage
// ErrUnavailable. Anything else is returned as it is.
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
	if unreachable(err) {
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	return err
}

// unreachable tells the errors that say nothing about the query and all
// about the server or the way to it.
func unreachable(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch {
		case pgErr.Code[:2] == "08", // connection exception
			pgErr.Code[:2] == "53", // insufficient resources (too many connections, out of memory or disk)
			pgErr.Code == "57P01",  // admin shutdown
			pgErr.Code == "57P02",  // crash shutdown
			pgErr.Code == "57P03",  // cannot connect now (starting up, recovering)
			pgErr.Code == "57014",  // query canceled: statement_timeout, or our deadline's cancel request
			pgErr.Code == "55P03":  // lock not available: lock_timeout
			return true
		}
		return false
	}
	var connectErr *pgconn.ConnectError
	var netErr net.Error
	return errors.As(err, &connectErr) || errors.As(err, &netErr) ||
		errors.Is(err, context.DeadlineExceeded) || pgconn.Timeout(err) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		pgconn.SafeToRetry(err) // never sent: the connection was already gone
}

package db_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/acme/orders/db"
	"github.com/acme/orders/internal/testenv"
)

// TestDriverErrorsAreTranslated: through Store, no row is ErrNotFound and a
// refused write names its constraint, whether in a transaction or not.
func TestDriverErrorsAreTranslated(t *testing.T) {
	pool, _ := testenv.NewPool(t)
	s := db.NewStore(pool)
	_, err := s.Q().GetUser(t.Context(), uuid.New())
	if !errors.Is(err, db.ErrNotFound) || !errors.Is(err, pgx.ErrNoRows) {
		t.Fatalf("no row: %v", err)
	}
	user := db.CreateUserParams{Email: "ann@example.com", PasswordHash: "x", IsActive: true, Role: "customer"}
	if _, err := s.Q().CreateUser(t.Context(), user); err != nil {
		t.Fatal(err)
	}
	user.Email = "ANN@example.com"
	err = s.InTx(t.Context(), func(q *db.Queries) error {
		_, err := q.CreateUser(t.Context(), user)
		return err
	})
	var ce *db.ConstraintError
	if !errors.As(err, &ce) || ce.Code != db.UniqueViolation || ce.Table != "users" || ce.Constraint != "users_email_key" {
		t.Fatalf("duplicate e-mail: %#v", err)
	}
	if _, err := s.Q().ListUsers(t.Context(), db.ListUsersParams{Limit: -1}); err == nil {
		t.Fatal("a negative LIMIT must fail")
	}
}

// TestOutagesAreUnavailable: a server that cannot be reached, and a statement
// that outlasts the Store's bound, are ErrUnavailable (which says so by
// behaviour too), and the bound holds whatever the statement waits for.
func TestOutagesAreUnavailable(t *testing.T) {
	nowhere, err := pgxpool.New(t.Context(), fmt.Sprintf("postgres://postgres@127.0.0.1:%d/x?sslmode=disable", testenv.FreePort(t)))
	if err != nil {
		t.Fatal(err)
	}
	defer nowhere.Close()
	err = db.NewStore(nowhere).Ping(t.Context())
	var outage interface{ Unavailable() bool }
	if !errors.Is(err, db.ErrUnavailable) || !errors.As(err, &outage) || !outage.Unavailable() {
		t.Fatalf("connection refused: %v", err)
	}

	pool, _ := testenv.NewPool(t)
	s := db.NewStore(pool)
	user, err := s.Q().CreateUser(t.Context(), db.CreateUserParams{Email: "held@example.com", PasswordHash: "x", IsActive: true, Role: "customer"})
	if err != nil {
		t.Fatal(err)
	}
	holder, err := pool.Begin(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Rollback(t.Context()) //nolint:errcheck
	if _, err := holder.Exec(t.Context(), "SELECT 1 FROM users WHERE id = $1 FOR UPDATE", user.ID); err != nil {
		t.Fatal(err)
	}
	bounded := s.WithTimeout(300 * time.Millisecond)
	start := time.Now()
	name := "waits"
	_, err = bounded.Q().UpdateUser(t.Context(), db.UpdateUserParams{ID: user.ID, FullName: &name})
	if !errors.Is(err, db.ErrUnavailable) {
		t.Fatalf("a statement past its bound: %v", err)
	}
	err = bounded.InTx(t.Context(), func(q *db.Queries) error {
		_, err := q.UpdateUser(t.Context(), db.UpdateUserParams{ID: user.ID, FullName: &name})
		return err
	})
	if !errors.Is(err, db.ErrUnavailable) {
		t.Fatalf("a transaction past its bound: %v", err)
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Fatalf("two 300 ms bounds took %v", took)
	}
}

// TestListsArePlannedForTheirArguments: a list query (optional filters) runs
// as an unnamed statement, planned for each call's arguments; other queries
// are prepared once and keep their plan.
func TestListsArePlannedForTheirArguments(t *testing.T) {
	_, url := testenv.NewPool(t)
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	cfg.MaxConns = 1 // the statements below and the check share one session
	pool, err := pgxpool.NewWithConfig(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	s := db.NewStore(pool)
	if _, err := s.Q().GetUser(t.Context(), uuid.New()); !errors.Is(err, db.ErrNotFound) {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := s.Q().ListUsers(t.Context(), db.ListUsersParams{Limit: 10}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Q().CountUsers(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := pool.Query(t.Context(), "SELECT statement FROM pg_prepared_statements", pgx.QueryExecModeSimpleProtocol)
	if err != nil {
		t.Fatal(err)
	}
	prepared, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	var sawGet bool
	for _, st := range prepared {
		sawGet = sawGet || strings.HasPrefix(st, "-- name: GetUser ")
		if strings.HasPrefix(st, "-- name: ListUsers") || strings.HasPrefix(st, "-- name: CountUsers") {
			t.Errorf("a list is prepared: %.40s", st)
		}
	}
	if !sawGet {
		t.Fatalf("GetUser is not prepared (%d statements)", len(prepared))
	}
}

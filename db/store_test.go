package db_test

import (
	"errors"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

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
	user := db.CreateUserParams{Email: "ann@example.com", PasswordHash: "x", IsActive: true}
	if _, err := s.Q().CreateUser(t.Context(), user); err != nil {
		t.Fatal(err)
	}
	user.Email = "ANN@example.com"
	err = s.InTx(t.Context(), func(q *db.Queries) error {
		_, err := q.CreateUser(t.Context(), user)
		return err
	})
	var ce *db.ConstraintError
	if !errors.As(err, &ce) || ce.Code != db.UniqueViolation || ce.Table != "users" || !db.Violates(err, "users_email_key") {
		t.Fatalf("duplicate e-mail: %#v", err)
	}
	if _, err := s.Q().ListUsers(t.Context(), db.ListUsersParams{Limit: -1}); err == nil {
		t.Fatal("a negative LIMIT must fail")
	}
}

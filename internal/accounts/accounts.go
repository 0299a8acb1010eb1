// Package accounts holds the user operations shared by the API and the
// command line: creating users with a hashed password, and the first superuser.
package accounts

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/acme/orders/db"
	"github.com/acme/orders/internal/auth"
)

// ErrEmailTaken means another user already has the address (case-insensitively).
var ErrEmailTaken = errors.New("e-mail already registered")

// ErrPasswordLength means the password is outside 8 to 128 characters.
var ErrPasswordLength = fmt.Errorf("password must be %d to %d characters", auth.MinPasswordLen, auth.MaxPasswordLen)

// NewUser is what creating a user takes.
type NewUser struct {
	Email       string
	FullName    string
	Password    string
	IsActive    bool
	IsSuperuser bool
}

// CheckPassword enforces the length rule wherever a password is set.
func CheckPassword(pw string) error {
	if n := len([]rune(pw)); n < auth.MinPasswordLen || n > auth.MaxPasswordLen {
		return ErrPasswordLength
	}
	return nil
}

// Create hashes the password and inserts the user.
func Create(ctx context.Context, q *db.Queries, u NewUser) (db.User, error) {
	if err := CheckPassword(u.Password); err != nil {
		return db.User{}, err
	}
	hash, err := auth.HashPassword(u.Password)
	if err != nil {
		return db.User{}, err
	}
	user, err := q.CreateUser(ctx, db.CreateUserParams{
		Email: u.Email, FullName: u.FullName, PasswordHash: hash, IsActive: u.IsActive, IsSuperuser: u.IsSuperuser,
	})
	if db.IsUniqueViolation(err) {
		return db.User{}, ErrEmailTaken
	}
	return user, err
}

// SetPassword checks and hashes a new password and stores it; storing it
// revokes every token issued before.
func SetPassword(ctx context.Context, q *db.Queries, userID uuid.UUID, password string) error {
	if err := CheckPassword(password); err != nil {
		return err
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return err
	}
	_, err = q.SetPassword(ctx, db.SetPasswordParams{ID: userID, PasswordHash: hash})
	return err
}

// EnsureSuperuser creates the superuser if no user has that address; an
// existing account is left as it is. It reports whether it created one.
func EnsureSuperuser(ctx context.Context, q *db.Queries, email, password string) (bool, error) {
	if err := CheckPassword(password); err != nil {
		return false, fmt.Errorf("FIRST_SUPERUSER_PASSWORD: %w", err)
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return false, err
	}
	n, err := q.CreateUserIfMissing(ctx, db.CreateUserIfMissingParams{Email: email, FullName: "", PasswordHash: hash})
	return n == 1, err
}

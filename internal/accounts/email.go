package accounts

import (
	"context"
	"net/mail"
	"strings"

	"github.com/acme/orders/db"
)

// maxEmailLen is the users.email column's limit.
const maxEmailLen = 255

// NormalizeEmail is the one form an address is stored and looked up in: a
// bare address (name@example.com), trimmed. A display name
// ("Admin <admin@example.com>"), a comment, a quoted local part or an
// address that needs any of them is ErrInvalidEmail, so that no look-alike
// of an account can be registered. Case is kept as typed; the database
// compares addresses case-insensitively.
func NormalizeEmail(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > maxEmailLen || strings.ContainsAny(s, "<>()\",; \t\r\n") {
		return "", ErrInvalidEmail
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return "", ErrInvalidEmail
	}
	return s, nil
}

// userByEmail looks a user up by address, in its normal form; an address
// that has none belongs to no user (db.ErrNotFound).
func userByEmail(ctx context.Context, q *db.Queries, email string) (db.User, error) {
	email, err := NormalizeEmail(email)
	if err != nil {
		return db.User{}, db.ErrNotFound
	}
	return q.GetUserByEmail(ctx, email)
}

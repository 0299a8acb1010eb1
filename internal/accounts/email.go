package accounts

import (
	"net/mail"
	"strings"
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

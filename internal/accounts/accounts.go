// Package accounts is the user's domain: accounts with hashed passwords,
// log-in and the tokens it issues, password recovery, profile changes and
// the first admin, shared by the API and the command line. E-mails go
// out through the Mailer interface, which cmd satisfies with
// workflowclient.Client.
package accounts

import (
	"context"
	"log/slog"
	"time"

	"github.com/google/uuid"

	"github.com/acme/orders/db"
	"github.com/acme/orders/internal/access"
	"github.com/acme/orders/internal/auth"
	"github.com/acme/orders/internal/emails"
)

// User is an account. Its password hash and token version never leave this
// package.
type User struct {
	ID        uuid.UUID
	Email     string
	FullName  string
	IsActive  bool
	Role      access.Role
	CreatedAt time.Time

	passwordHash string
	tokenVersion int32
}

func userFromDB(u db.User) User {
	return User{
		ID: u.ID, Email: u.Email, FullName: u.FullName, IsActive: u.IsActive, Role: access.Role(u.Role),
		CreatedAt: u.CreatedAt, passwordHash: u.PasswordHash, tokenVersion: u.TokenVersion,
	}
}

// Mailer sends one of the platform's e-mails and returns an ID to find it
// by. With no relay configured it returns emails.ErrDisabled.
type Mailer interface {
	SendEmail(ctx context.Context, to string, t emails.Template, d emails.Data) (id string, err error)
}

// Options are the account rules that are configured.
type Options struct {
	// Passwords hashes and verifies passwords; nil: auth.Passwords, the
	// process's own queue.
	Passwords        *auth.Hasher
	SecretKey        string        // signs tokens
	AccessTokenTTL   time.Duration // how long a log-in lasts
	ResetTokenTTL    time.Duration // how long a password-reset link works
	FrontendHost     string        // base of the reset link and of new-account e-mails
	ProjectName      string        // shown in e-mails
	OpenRegistration bool          // whether anyone may sign up
	// Cache remembers the accounts Authenticate read; nil: every request
	// reads its account.
	Cache *auth.Cache[User]
}

// Service is what the API and the command line do with accounts. Every
// password is hashed before the store opens a transaction.
type Service struct {
	store     *Store
	passwords *auth.Hasher
	tokens    *auth.Tokens
	mailer    Mailer
	opts      Options
	logger    *slog.Logger
}

// NewService returns the account service. mailer may be nil where no
// e-mail is sent (the command line).
func NewService(store *Store, mailer Mailer, opts Options, logger *slog.Logger) *Service {
	passwords := opts.Passwords
	if passwords == nil {
		passwords = auth.Passwords
	}
	return &Service{store: store, passwords: passwords, tokens: auth.NewTokens(opts.SecretKey), mailer: mailer, opts: opts, logger: logger}
}

// emailData is what every account e-mail shows of its user.
func (s *Service) emailData(u User) emails.Data {
	return emails.Data{ProjectName: s.opts.ProjectName, Email: u.Email, FullName: u.FullName}
}

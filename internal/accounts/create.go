package accounts

import (
	"context"
	"errors"
	"fmt"

	"github.com/acme/orders/internal/access"
	"github.com/acme/orders/internal/auth"
	"github.com/acme/orders/internal/emails"
)

// NewUser is what creating a user takes.
type NewUser struct {
	Email    string
	FullName string
	Password string
	IsActive bool
	Role     access.Role // "": customer
}

// CheckPassword enforces the length rule wherever a password is set.
func CheckPassword(pw string) error {
	if n := len([]rune(pw)); n < auth.MinPasswordLen || n > auth.MaxPasswordLen {
		return ErrPasswordLength
	}
	return nil
}

// hash checks a new password and hashes it, waiting for its turn in the
// hash queue as long as ctx allows.
func (s *Service) hash(ctx context.Context, password string) (string, error) {
	if err := CheckPassword(password); err != nil {
		return "", err
	}
	return s.passwords.Hash(ctx, password)
}

// Create makes an account (an admin's doing) and sends its new-account
// e-mail, which never holds the password. The account stands even when the
// e-mail cannot be started: that is logged.
func (s *Service) Create(ctx context.Context, u NewUser) (User, error) {
	user, err := s.create(ctx, u)
	if err != nil {
		return User{}, err
	}
	data := s.emailData(user)
	data.Link = s.opts.FrontendHost
	s.send(ctx, user.Email, emails.NewAccount, data)
	return user, nil
}

// Signup is open registration: an active, ordinary account, when the
// server allows it (ErrRegistrationClosed otherwise).
func (s *Service) Signup(ctx context.Context, email, fullName, password string) (User, error) {
	if !s.opts.OpenRegistration {
		return User{}, ErrRegistrationClosed
	}
	return s.create(ctx, NewUser{Email: email, FullName: fullName, Password: password, IsActive: true})
}

func (s *Service) create(ctx context.Context, u NewUser) (User, error) {
	email, err := NormalizeEmail(u.Email)
	if err != nil {
		return User{}, err
	}
	hash, err := s.hash(ctx, u.Password)
	if err != nil {
		return User{}, err
	}
	role := u.Role
	if role == "" {
		role = access.Customer
	}
	if !role.Valid() {
		return User{}, ErrUnknownRole
	}
	return s.store.create(ctx, record{Email: email, FullName: u.FullName, Hash: hash, IsActive: u.IsActive, Role: role})
}

// EnsureSuperuser creates the first superuser (an admin) if no user has that address;
// an existing account is left as it is. It reports whether it created one.
// Several processes may run it at once: the insert is idempotent.
func (s *Service) EnsureSuperuser(ctx context.Context, email, password string) (bool, error) {
	email, err := NormalizeEmail(email)
	if err != nil {
		return false, fmt.Errorf("FIRST_SUPERUSER: %w", err)
	}
	if err := CheckPassword(password); err != nil {
		return false, fmt.Errorf("FIRST_SUPERUSER_PASSWORD: %w", err)
	}
	hash, err := s.passwords.Hash(ctx, password)
	if err != nil {
		return false, err
	}
	return s.store.createSuperuserIfMissing(ctx, email, hash)
}

// MakeSuperuser creates an active admin, or makes an existing account one
// and sets its password: it also recovers a lost admin password. It
// returns the admin and the role the account had before ("" when new).
func (s *Service) MakeSuperuser(ctx context.Context, email, password string) (User, access.Role, error) {
	email, err := NormalizeEmail(email)
	if err != nil {
		return User{}, "", err
	}
	hash, err := s.hash(ctx, password)
	if err != nil {
		return User{}, "", err
	}
	defer s.forgetAccounts()
	return s.store.makeSuperuser(ctx, email, hash)
}

// send starts an e-mail that follows an action which already succeeded (or
// that must not tell whether it did): its failure is logged, not returned.
func (s *Service) send(ctx context.Context, to string, t emails.Template, d emails.Data) {
	if s.mailer == nil {
		return
	}
	_, err := s.mailer.SendEmail(ctx, to, t, d)
	switch {
	case errors.Is(err, emails.ErrDisabled):
		s.logger.InfoContext(ctx, "e-mail not sent: SMTP_HOST is empty", "template", t)
	case err != nil:
		s.logger.ErrorContext(ctx, "start e-mail workflow", "template", t, "error", err)
	}
}

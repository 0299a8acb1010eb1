package accounts

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/acme/orders/db"
	"github.com/acme/orders/internal/auth"
	"github.com/acme/orders/internal/emails"
)

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

// Create makes an account (a superuser's doing) and sends its new-account
// e-mail, which never holds the password. The account stands even when the
// e-mail cannot be started: that is logged.
func (s *Service) Create(ctx context.Context, u NewUser) (User, error) {
	user, err := create(ctx, s.db.Q(), u)
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
	return create(ctx, s.db.Q(), NewUser{Email: email, FullName: fullName, Password: password, IsActive: true})
}

func create(ctx context.Context, q *db.Queries, u NewUser) (User, error) {
	email, err := NormalizeEmail(u.Email)
	if err != nil {
		return User{}, err
	}
	if err := CheckPassword(u.Password); err != nil {
		return User{}, err
	}
	hash, err := auth.HashPassword(u.Password)
	if err != nil {
		return User{}, err
	}
	row, err := q.CreateUser(ctx, db.CreateUserParams{
		Email: email, FullName: u.FullName, PasswordHash: hash, IsActive: u.IsActive, IsSuperuser: u.IsSuperuser,
	})
	if db.Violates(err, "users_email_key") {
		return User{}, ErrEmailTaken
	}
	if err != nil {
		return User{}, err
	}
	return userFromDB(row), nil
}

// setPassword checks and hashes a new password and stores it; storing it
// revokes every token issued before.
func setPassword(ctx context.Context, q *db.Queries, id uuid.UUID, password string) error {
	if err := CheckPassword(password); err != nil {
		return err
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return err
	}
	_, err = q.SetPassword(ctx, db.SetPasswordParams{ID: id, PasswordHash: hash})
	return err
}

// EnsureSuperuser creates the first superuser if no user has that address;
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
	hash, err := auth.HashPassword(password)
	if err != nil {
		return false, err
	}
	n, err := s.db.Q().CreateUserIfMissing(ctx, db.CreateUserIfMissingParams{Email: email, FullName: "", PasswordHash: hash})
	return n == 1, err
}

// MakeSuperuser creates an active superuser, or makes an existing account
// one and sets its password: it also recovers a lost superuser password.
func (s *Service) MakeSuperuser(ctx context.Context, email, password string) error {
	email, err := NormalizeEmail(email)
	if err != nil {
		return err
	}
	if err := CheckPassword(password); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(q *db.Queries) error {
		user, err := q.GetUserByEmail(ctx, email)
		if errors.Is(err, db.ErrNotFound) {
			_, err = create(ctx, q, NewUser{Email: email, Password: password, IsActive: true, IsSuperuser: true})
			return err
		}
		if err != nil {
			return err
		}
		yes := true
		if _, err := q.UpdateUser(ctx, db.UpdateUserParams{ID: user.ID, IsActive: &yes, IsSuperuser: &yes}); err != nil {
			return err
		}
		return setPassword(ctx, q, user.ID, password)
	})
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

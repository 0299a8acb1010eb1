package accounts

import (
	"context"
	"errors"
	"time"

	"github.com/acme/orders/internal/auth"
	"github.com/acme/orders/internal/emails"
)

// recoveryTimeout bounds the look-up and send that follow a recovery request.
const recoveryTimeout = 30 * time.Second

// RecoverPassword e-mails a password-reset link to the address's active
// user, if there is one. It returns at once and looks up and sends after,
// so that the caller's answer takes the same time, and says the same,
// whether or not the address has an account.
func (s *Service) RecoverPassword(ctx context.Context, email string) {
	bg := context.WithoutCancel(ctx)
	go func() {
		ctx, cancel := context.WithTimeout(bg, recoveryTimeout)
		defer cancel()
		if err := s.sendRecovery(ctx, email); err != nil {
			s.logger.ErrorContext(ctx, "password recovery e-mail", "error", err)
		}
	}()
}

func (s *Service) sendRecovery(ctx context.Context, email string) error {
	user, err := s.byEmail(ctx, email)
	if errors.Is(err, ErrNotFound) || err == nil && !user.IsActive {
		return nil
	}
	if err != nil {
		return err
	}
	data, err := s.recoveryData(user)
	if err != nil {
		return err
	}
	s.send(ctx, user.Email, emails.ResetPassword, data)
	return nil
}

func (s *Service) recoveryData(u User) (emails.Data, error) {
	token, err := s.tokens.Issue(u.ID, u.tokenVersion, auth.PurposeReset, s.opts.ResetTokenTTL)
	if err != nil {
		return emails.Data{}, err
	}
	data := s.emailData(u)
	data.Link = s.opts.FrontendHost + "/reset-password?token=" + token
	data.ValidHours = int(s.opts.ResetTokenTTL / time.Hour)
	return data, nil
}

// RecoveryEmail renders the password-recovery e-mail a user would get, for
// an admin to preview.
func (s *Service) RecoveryEmail(ctx context.Context, email string) (emails.Rendered, error) {
	user, err := s.byEmail(ctx, email)
	if err != nil {
		return emails.Rendered{}, err
	}
	data, err := s.recoveryData(user)
	if err != nil {
		return emails.Rendered{}, err
	}
	return emails.Render(emails.ResetPassword, data)
}

// ResetPassword sets a new password with the token from a recovery e-mail.
// The token works once: setting the password revokes it.
func (s *Service) ResetPassword(ctx context.Context, token, password string) error {
	id, version, err := s.tokens.Parse(token, auth.PurposeReset)
	if err != nil {
		return ErrInvalidResetToken
	}
	hash, err := s.hash(ctx, password)
	if err != nil {
		return err
	}
	defer s.forgetAccounts()
	return s.store.resetPassword(ctx, id, version, hash)
}

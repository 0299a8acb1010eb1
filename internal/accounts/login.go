package accounts

import (
	"context"
	"errors"

	"github.com/acme/orders/db"
	"github.com/acme/orders/internal/auth"
)

// Login trades an e-mail (any case) and password for an access token. An
// unknown address costs the time a wrong password costs, and both are
// ErrBadCredentials. A hash made with older cost parameters is upgraded.
func (s *Service) Login(ctx context.Context, email, password string) (string, error) {
	q := s.db.Q()
	row, err := userByEmail(ctx, q, email)
	if errors.Is(err, db.ErrNotFound) {
		auth.BurnVerify(password)
		return "", ErrBadCredentials
	}
	if err != nil {
		return "", err
	}
	user := userFromDB(row)
	ok, err := auth.VerifyPassword(user.passwordHash, password)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", ErrBadCredentials
	}
	if !user.IsActive {
		return "", ErrLoginInactive
	}
	if auth.NeedsRehash(user.passwordHash) {
		if hash, err := auth.HashPassword(password); err == nil {
			if err := q.RehashPassword(ctx, db.RehashPasswordParams{ID: user.ID, PasswordHash: hash}); err != nil {
				s.logger.WarnContext(ctx, "rehash password", "error", err) // the log-in still stands
			}
		}
	}
	return s.tokens.Issue(user.ID, user.tokenVersion, auth.PurposeAccess, s.opts.AccessTokenTTL)
}

// Authenticate resolves an access token to its active user. A token that is
// invalid, revoked by a password change, or whose user is gone is
// ErrUnauthenticated; a deactivated user's is ErrInactive.
func (s *Service) Authenticate(ctx context.Context, token string) (User, error) {
	id, version, err := s.tokens.Parse(token, auth.PurposeAccess)
	if err != nil {
		return User{}, ErrUnauthenticated
	}
	row, err := s.db.Q().GetUser(ctx, id)
	if errors.Is(err, db.ErrNotFound) {
		return User{}, ErrUnauthenticated // deleted since the token was issued
	}
	if err != nil {
		return User{}, err
	}
	user := userFromDB(row)
	switch {
	case user.tokenVersion != version:
		return User{}, ErrUnauthenticated // revoked by a password change
	case !user.IsActive:
		return User{}, ErrInactive
	}
	return user, nil
}

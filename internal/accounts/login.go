package accounts

import (
	"context"
	"errors"

	"github.com/google/uuid"

	"github.com/acme/orders/internal/auth"
)

// Login trades an e-mail (any case) and password for an access token. An
// unknown address costs the time a wrong password costs, and both are
// ErrBadCredentials. A hash made with older cost parameters is upgraded.
func (s *Service) Login(ctx context.Context, email, password string) (string, error) {
	user, err := s.byEmail(ctx, email)
	if errors.Is(err, ErrNotFound) {
		s.passwords.BurnVerify(ctx, password)
		return "", ErrBadCredentials
	}
	if err != nil {
		return "", err
	}
	ok, err := s.passwords.Verify(ctx, user.passwordHash, password)
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
		if hash, err := s.passwords.Hash(ctx, password); err == nil {
			if err := s.store.rehash(ctx, user.ID, hash); err != nil {
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
	user, err := s.account(ctx, id)
	switch {
	case errors.Is(err, ErrNotFound):
		return User{}, ErrUnauthenticated // deleted since the token was issued
	case err != nil:
		return User{}, err
	case user.tokenVersion != version:
		return User{}, ErrUnauthenticated // revoked by a password change
	case !user.IsActive:
		return User{}, ErrInactive
	}
	return user, nil
}

// account is the user a token names, from the cache when it remembers
// them.
func (s *Service) account(ctx context.Context, id uuid.UUID) (User, error) {
	key := id.String()
	user, gen, ok := s.opts.Cache.Get(key)
	if ok {
		return user, nil
	}
	user, err := s.store.get(ctx, id)
	if err == nil {
		s.opts.Cache.Put(key, gen, user)
	}
	return user, err
}

// forgetAccounts makes this process's cache forget the accounts it
// remembered, once this process changed one: at once, where the other
// processes forget at the change's notification.
func (s *Service) forgetAccounts() { s.opts.Cache.Forget() }

// byEmail looks a user up by address, in its normal form; an address that
// has none belongs to no user (ErrNotFound).
func (s *Service) byEmail(ctx context.Context, email string) (User, error) {
	email, err := NormalizeEmail(email)
	if err != nil {
		return User{}, ErrNotFound
	}
	return s.store.byEmail(ctx, email)
}

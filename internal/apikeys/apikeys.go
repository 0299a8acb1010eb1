// Package apikeys is the machine clients' credentials: scoped, expiring,
// revocable API keys, created by an admin and shown once. It keeps only a
// hash of each secret, and counts each key's requests on its row so that a
// limit per key holds on every API replica.
package apikeys

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/acme/orders/db"
	"github.com/acme/orders/internal/access"
	"github.com/acme/orders/internal/page"
)

var (
	// ErrNotFound: no such key.
	ErrNotFound = errors.New("API key not found")
	// ErrUnknown: a secret that is no key's, or a revoked or expired key's.
	ErrUnknown = errors.New("invalid or revoked API key")
	// ErrExpiryPast: a new key that would have expired already.
	ErrExpiryPast = errors.New("expires_at must be in the future")
)

// Key is an API key as it is shown: never its secret.
type Key struct {
	ID         uuid.UUID
	Name       string
	Prefix     string // the secret's first characters, to tell keys apart
	Scopes     []access.Scope
	CreatedBy  *uuid.UUID // the admin; nil once their account is deleted
	CreatedAt  time.Time
	ExpiresAt  *time.Time
	RevokedAt  *time.Time
	LastUsedAt *time.Time
}

// New is what creating a key takes.
type New struct {
	Name      string
	Scopes    []access.Scope
	ExpiresAt *time.Time
	CreatedBy uuid.UUID
}

// Use is a request made with a key: the key, and how many requests it made
// in the last minute, this one included.
type Use struct {
	ID     uuid.UUID
	Name   string
	Scopes []access.Scope
	// Rate is the requests of the last 60 seconds, estimated from the
	// current minute's count and the share of the previous minute's that
	// falls within them; Reset is when the current minute ends.
	Rate  float64
	Reset time.Duration
}

// Service creates, lists, revokes and authenticates keys.
type Service struct {
	db  *db.Store
	now func() time.Time
}

// NewService returns the key service over a database.
func NewService(s *db.Store) *Service { return &Service{db: s, now: time.Now} }

var dbErrors = db.Translation{NotFound: ErrNotFound}

// Create makes a key and returns it with its secret, which is never shown again.
func (s *Service) Create(ctx context.Context, n New) (Key, string, error) {
	if err := access.CheckKeyScopes(n.Scopes); err != nil {
		return Key{}, "", fmt.Errorf("%w: %w", ErrBadScope, err)
	}
	if n.ExpiresAt != nil && !n.ExpiresAt.After(s.now()) {
		return Key{}, "", ErrExpiryPast
	}
	secret, err := newSecret()
	if err != nil {
		return Key{}, "", err
	}
	row, err := s.db.Q().CreateAPIKey(ctx, db.CreateAPIKeyParams{
		ID: uuid.New(), Name: n.Name, Prefix: prefixOf(secret), SecretHash: hashOf(secret),
		Scopes: access.Names(n.Scopes), CreatedBy: &n.CreatedBy, ExpiresAt: n.ExpiresAt,
	})
	if err != nil {
		return Key{}, "", dbErrors.Of(err)
	}
	return keyOf(db.ListAPIKeysRow(row)), secret, nil
}

// ErrBadScope: a scope no key may hold.
var ErrBadScope = errors.New("unknown scope")

// List returns a page of keys, newest first, revoked ones included.
func (s *Service) List(ctx context.Context, r page.Request) (page.Page[Key], error) {
	p := db.ListAPIKeysParams{Limit: r.Fetch()}
	var err error
	if p.AfterCreated, p.AfterID, err = r.After(); err != nil {
		return page.Page[Key]{}, err
	}
	rows, err := s.db.Q().ListAPIKeys(ctx, p)
	if err != nil {
		return page.Page[Key]{}, dbErrors.Of(err)
	}
	keys := make([]Key, len(rows))
	for i, row := range rows {
		keys[i] = keyOf(row)
	}
	return page.Of(keys, r, func(k Key) page.Position { return page.Position{CreatedAt: k.CreatedAt, ID: k.ID} }), nil
}

// Revoke ends a key: its next request, on any replica, is refused.
// Revoking a revoked key changes nothing.
func (s *Service) Revoke(ctx context.Context, id uuid.UUID) (Key, error) {
	row, err := s.db.Q().RevokeAPIKey(ctx, id)
	if err != nil {
		return Key{}, dbErrors.Of(err)
	}
	return keyOf(db.ListAPIKeysRow(row)), nil
}

// Authenticate resolves a secret to its live key and counts the request
// against it, in one statement. A malformed, unknown, revoked or expired
// key is ErrUnknown.
func (s *Service) Authenticate(ctx context.Context, secret string) (Use, error) {
	if !wellFormed(secret) {
		return Use{}, ErrUnknown
	}
	row, err := s.db.Q().UseAPIKey(ctx, hashOf(secret))
	if errors.Is(err, db.ErrNotFound) {
		return Use{}, ErrUnknown
	}
	if err != nil {
		return Use{}, err
	}
	elapsed := min(max(row.WindowElapsed, 0), 60)
	return Use{
		ID: row.ID, Name: row.Name, Scopes: access.ScopesOf(row.Scopes),
		Rate:  float64(row.RateCount) + float64(row.RatePrevious)*(60-elapsed)/60,
		Reset: time.Duration((60 - elapsed) * float64(time.Second)),
	}, nil
}

func keyOf(r db.ListAPIKeysRow) Key {
	return Key{
		ID: r.ID, Name: r.Name, Prefix: r.Prefix, Scopes: access.ScopesOf(r.Scopes), CreatedBy: r.CreatedBy,
		CreatedAt: r.CreatedAt, ExpiresAt: r.ExpiresAt, RevokedAt: r.RevokedAt, LastUsedAt: r.LastUsedAt,
	}
}

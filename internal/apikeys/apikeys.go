// Package apikeys is the machine clients' credentials: scoped, expiring,
// revocable API keys, created by an admin and shown once. It keeps only a
// hash of each secret, and counts each key's requests on its row so that a
// limit per key holds on every API replica (an API process that remembers
// its keys counts in memory and writes the counts every second: meter.go).
package apikeys

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/google/uuid"

	"github.com/acme/orders/db"
	"github.com/acme/orders/internal/access"
	"github.com/acme/orders/internal/auth"
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
	db    *db.Store
	now   func() time.Time
	cache *auth.Cache[Live]
	meter *meter
}

// Live is what a process remembers of a key it authenticated.
type Live struct {
	ID        uuid.UUID
	Name      string
	Scopes    []access.Scope
	ExpiresAt *time.Time
}

// NewService returns the key service over a database. With a cache, the
// keys it authenticated are remembered and their requests counted in
// memory; Run must then write the counts.
func NewService(s *db.Store, cache *auth.Cache[Live]) *Service {
	return &Service{db: s, now: time.Now, cache: cache, meter: newMeter()}
}

// flushEvery is how often Run writes the counts of remembered keys.
const flushEvery = time.Second

// Run writes, every second until ctx ends (and once more then), the
// requests counted with remembered keys: their last use and their rate,
// which every process then sees.
func (s *Service) Run(ctx context.Context, logger *slog.Logger) {
	t := time.NewTicker(flushEvery)
	defer t.Stop()
	for stopping := false; !stopping; {
		select {
		case <-ctx.Done():
			stopping = true // once more, for what was counted since the last tick
		case <-t.C:
		}
		flushCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		if err := s.meter.flush(flushCtx, s.db.Q(), s.now()); err != nil {
			logger.WarnContext(ctx, "API key uses not written yet; the next flush retries them", "error", err)
		}
		cancel()
	}
}

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

// Revoke ends a key: its next request on this replica is refused, and on
// the others once the change's notification reaches them (milliseconds).
// Revoking a revoked key changes nothing.
func (s *Service) Revoke(ctx context.Context, id uuid.UUID) (Key, error) {
	defer s.cache.Forget()
	row, err := s.db.Q().RevokeAPIKey(ctx, id)
	if err != nil {
		return Key{}, dbErrors.Of(err)
	}
	return keyOf(db.ListAPIKeysRow(row)), nil
}

// Authenticate resolves a secret to its live key and counts the request
// against it. A key this process remembers reads nothing: its expiry is
// checked here, and the request counted in memory (meter). Otherwise one
// statement finds the key, counts the request and returns its counts. A
// malformed, unknown, revoked or expired key is ErrUnknown.
func (s *Service) Authenticate(ctx context.Context, secret string) (Use, error) {
	if !wellFormed(secret) {
		return Use{}, ErrUnknown
	}
	hash := hashOf(secret)
	now := s.now()
	key, gen, ok := s.cache.Get(string(hash))
	if ok {
		if key.ExpiresAt != nil && !now.Before(*key.ExpiresAt) {
			return Use{}, ErrUnknown
		}
		rate, reset := s.meter.use(key.ID, now)
		return Use{ID: key.ID, Name: key.Name, Scopes: key.Scopes, Rate: rate, Reset: reset}, nil
	}
	row, err := s.db.Q().UseAPIKey(ctx, hash)
	if errors.Is(err, db.ErrNotFound) {
		return Use{}, ErrUnknown
	}
	if err != nil {
		return Use{}, err
	}
	key = Live{ID: row.ID, Name: row.Name, Scopes: access.ScopesOf(row.Scopes), ExpiresAt: row.ExpiresAt}
	if s.cache != nil {
		s.meter.seen(key.ID, now, int64(row.RateCount), int64(row.RatePrevious))
		s.cache.Put(string(hash), gen, key)
	}
	elapsed := min(max(row.WindowElapsed, 0), 60)
	return Use{
		ID: key.ID, Name: key.Name, Scopes: key.Scopes,
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

package apikeys_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/acme/orders/db"
	"github.com/acme/orders/internal/access"
	"github.com/acme/orders/internal/apikeys"
	"github.com/acme/orders/internal/auth"
	"github.com/acme/orders/internal/page"
	"github.com/acme/orders/internal/testenv"
)

func newService(t *testing.T) (*apikeys.Service, uuid.UUID) {
	t.Helper()
	store, admin := newStore(t)
	return apikeys.NewService(store, nil), admin
}

// newStore is a fresh database with an admin.
func newStore(t *testing.T) (*db.Store, uuid.UUID) {
	t.Helper()
	pool, _ := testenv.NewPool(t)
	store := db.NewStore(pool)
	admin, err := store.Q().CreateUser(t.Context(), db.CreateUserParams{Email: "root@example.com", PasswordHash: "x", IsActive: true, Role: "admin"})
	if err != nil {
		t.Fatal(err)
	}
	return store, admin.ID
}

// TestAKeyIsShownOnceKeptHashedAndCountedPerRequest: the secret has its
// documented shape and is found by itself alone; each request is counted
// on the key; a revoked or an expired key is unknown.
func TestAKeyIsShownOnceKeptHashedAndCountedPerRequest(t *testing.T) {
	s, admin := newService(t)
	ctx := t.Context()
	k, secret, err := s.Create(ctx, apikeys.New{Name: "erp", Scopes: []access.Scope{access.OrdersRead}, CreatedBy: admin})
	if err != nil {
		t.Fatal(err)
	}
	if !apikeys.IsKey(secret) || len(secret) != len(apikeys.SecretPrefix)+43 || !strings.HasPrefix(secret, k.Prefix) || len(k.Prefix) != len(apikeys.SecretPrefix)+4 {
		t.Fatalf("secret %q, prefix %q", secret, k.Prefix)
	}
	_, other, _ := s.Create(ctx, apikeys.New{Name: "erp", Scopes: []access.Scope{access.OrdersRead}, CreatedBy: admin})
	if other == secret {
		t.Fatal("two keys share a secret")
	}
	for i := 1; i <= 3; i++ {
		use, err := s.Authenticate(ctx, secret)
		if err != nil || use.ID != k.ID || use.Rate < float64(i) || !only(use.Scopes, access.OrdersRead) {
			t.Fatalf("request %d: %+v %v", i, use, err)
		}
	}
	wrong := secret[:len(secret)-1] + map[bool]string{true: "b", false: "a"}[strings.HasSuffix(secret, "a")]
	if _, err := s.Authenticate(ctx, wrong); !errors.Is(err, apikeys.ErrUnknown) {
		t.Fatalf("a secret one character off: %v", err)
	}
	if _, err := s.Revoke(ctx, k.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, secret); !errors.Is(err, apikeys.ErrUnknown) {
		t.Fatalf("a revoked key: %v", err)
	}

	soon := time.Now().Add(time.Second)
	_, brief, err := s.Create(ctx, apikeys.New{Name: "brief", Scopes: []access.Scope{access.EventsRead}, CreatedBy: admin, ExpiresAt: &soon})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, brief); err != nil {
		t.Fatalf("before its expiry: %v", err)
	}
	time.Sleep(time.Until(soon) + 10*time.Millisecond) // the database's clock is this machine's
	if _, err := s.Authenticate(ctx, brief); !errors.Is(err, apikeys.ErrUnknown) {
		t.Fatalf("after its expiry: %v", err)
	}

	if _, _, err := s.Create(ctx, apikeys.New{Name: "x", Scopes: []access.Scope{access.Admin}, CreatedBy: admin}); !errors.Is(err, apikeys.ErrBadScope) {
		t.Fatalf("an admin key: %v", err)
	}
	listed, err := s.List(ctx, page.Request{Limit: 10})
	if err != nil || len(listed.Items) != 3 || listed.Items[0].Name != "brief" || listed.Items[2].RevokedAt == nil || listed.Items[2].LastUsedAt == nil {
		t.Fatalf("list: %+v %v", listed.Items, err)
	}
}

func only(ss []access.Scope, s access.Scope) bool { return len(ss) == 1 && ss[0] == s }

// TestARememberedKeyIsCountedInMemoryAndForgottenAtAChange: a process that
// remembers keys counts their requests itself and writes the counts, which
// another process then sees; a revocation made elsewhere holds once the
// change's notification makes it forget (Forget here); an expiry holds
// without reading anything.
func TestARememberedKeyIsCountedInMemoryAndForgottenAtAChange(t *testing.T) {
	store, admin := newStore(t)
	other := apikeys.NewService(store, nil) // another API process: it remembers nothing
	ctx := t.Context()
	cache := auth.NewCache[apikeys.Live](time.Minute, 100, func() bool { return true })
	s := apikeys.NewService(store, cache)
	k, secret, err := other.Create(ctx, apikeys.New{Name: "erp", Scopes: []access.Scope{access.OrdersRead}, CreatedBy: admin})
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 3; i++ {
		use, err := s.Authenticate(ctx, secret)
		if err != nil || use.ID != k.ID || use.Rate < float64(i) || use.Rate >= float64(i+1) {
			t.Fatalf("request %d: %+v %v", i, use, err)
		}
	}
	stopped, stop := context.WithCancel(ctx)
	stop()
	s.Run(stopped, slog.New(slog.DiscardHandler)) // writes the counts once, as at every tick
	if use, err := other.Authenticate(ctx, secret); err != nil || use.Rate < 4 {
		t.Fatalf("the other process after the write: %+v %v; want the 3 requests counted and its own", use, err)
	}

	if _, err := other.Revoke(ctx, k.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, secret); err != nil {
		t.Fatalf("before the notification, the key is remembered: %v", err)
	}
	cache.Forget() // the notification of the revocation
	if _, err := s.Authenticate(ctx, secret); !errors.Is(err, apikeys.ErrUnknown) {
		t.Fatalf("after the notification: %v", err)
	}

	soon := time.Now().Add(time.Second)
	_, brief, err := other.Create(ctx, apikeys.New{Name: "brief", Scopes: []access.Scope{access.EventsRead}, CreatedBy: admin, ExpiresAt: &soon})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, brief); err != nil {
		t.Fatalf("before its expiry: %v", err)
	}
	time.Sleep(time.Until(soon) + 10*time.Millisecond)
	if _, err := s.Authenticate(ctx, brief); !errors.Is(err, apikeys.ErrUnknown) {
		t.Fatalf("a remembered key after its expiry: %v", err)
	}
}

package accounts_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/acme/orders/db"
	"github.com/acme/orders/internal/accounts"
	"github.com/acme/orders/internal/auth"
	"github.com/acme/orders/internal/testenv"
)

// TestPasswordsAreHashedBeforeAnyTransaction keeps the hash queue full while
// each way of setting a password runs: each waits for its turn holding no
// connection (the pool's only one serves a query meanwhile), and succeeds
// though the wait is longer than the database's time bound.
func TestPasswordsAreHashedBeforeAnyTransaction(t *testing.T) {
	const dbTimeout = 300 * time.Millisecond
	_, url := testenv.NewPool(t)
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	cfg.MaxConns = 1
	pool, err := pgxpool.NewWithConfig(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	hasher := auth.NewHasher(1)
	o := opts
	o.Passwords, o.OpenRegistration = hasher, true
	s := accounts.NewService(accounts.NewStore(db.NewStore(pool).WithTimeout(dbTimeout)), nil, o, slog.New(slog.NewTextHandler(io.Discard, nil)))
	ann, err := s.Create(t.Context(), accounts.NewUser{Email: "ann@example.com", Password: "password-123", IsActive: true})
	if err != nil {
		t.Fatal(err)
	}
	preview, err := s.RecoveryEmail(t.Context(), ann.Email)
	if err != nil {
		t.Fatal(err)
	}
	_, token, _ := strings.Cut(preview.Text, "reset-password?token=")
	token = strings.Fields(token)[0]

	var me accounts.User // for "change", who the caller is, read before the queue fills
	for _, c := range []struct {
		name   string
		before func()
		set    func(context.Context) error
	}{
		{"reset", nil, func(ctx context.Context) error { return s.ResetPassword(ctx, token, "password-reset") }},
		{"update", nil, func(ctx context.Context) error {
			password := "password-456"
			_, _, err := s.Update(ctx, ann.ID, accounts.Change{Password: &password})
			return err
		}},
		{"change", func() {
			var err error
			if me, err = s.Authenticate(t.Context(), login(t, s, ann.Email, "password-456")); err != nil {
				t.Fatal(err)
			}
		}, func(ctx context.Context) error { return s.ChangePassword(ctx, me, "password-456", "password-789") }},
		{"create", nil, func(ctx context.Context) error {
			_, err := s.Create(ctx, accounts.NewUser{Email: "bob@example.com", Password: "password-123", IsActive: true})
			return err
		}},
		{"signup", nil, func(ctx context.Context) error {
			_, err := s.Signup(ctx, "cy@example.com", "Cy", "password-123")
			return err
		}},
		{"first superuser", nil, func(ctx context.Context) error {
			_, err := s.EnsureSuperuser(ctx, "root@example.com", "password-123")
			return err
		}},
		{"make superuser", nil, func(ctx context.Context) error {
			_, _, err := s.MakeSuperuser(ctx, "ops@example.com", "password-123")
			return err
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.before != nil {
				c.before()
			}
			release, err := hasher.Hold(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			defer release()
			done := make(chan error, 1)
			go func() { done <- c.set(t.Context()) }()
			deadline := time.Now().Add(10 * time.Second)
			for hasher.Waiting() == 0 {
				select {
				case err := <-done:
					t.Fatalf("ran without its hash: %v", err)
				default:
				}
				if time.Now().After(deadline) {
					t.Fatal("never queued for a hash")
				}
				time.Sleep(time.Millisecond)
			}
			if n := pool.Stat().AcquiredConns(); n != 0 {
				t.Fatalf("holds %d connections while it waits for a hash", n)
			}
			var one int
			if err := pool.QueryRow(t.Context(), "SELECT 1").Scan(&one); err != nil {
				t.Fatalf("the pool's one connection is not free: %v", err)
			}
			time.Sleep(2 * dbTimeout) // a wait the database's bound must not count
			release()
			if err := <-done; err != nil {
				t.Fatalf("after a wait in the hash queue: %v", err)
			}
		})
	}
	if _, err := s.Login(t.Context(), ann.Email, "password-789"); err != nil {
		t.Fatalf("the last password set: %v", err)
	}
}

func login(t *testing.T, s *accounts.Service, email, password string) string {
	t.Helper()
	token, err := s.Login(t.Context(), email, password)
	if err != nil {
		t.Fatal(err)
	}
	return token
}

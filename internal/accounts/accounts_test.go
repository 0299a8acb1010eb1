package accounts_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/acme/orders/db"
	"github.com/acme/orders/internal/access"
	"github.com/acme/orders/internal/accounts"
	"github.com/acme/orders/internal/emails"
	"github.com/acme/orders/internal/testenv"
)

// fakeMailer records the e-mails the accounts send.
type fakeMailer struct {
	mu   sync.Mutex
	sent []emails.Data
	err  error
	got  chan emails.Data
}

func (m *fakeMailer) SendEmail(_ context.Context, to string, _ emails.Template, d emails.Data) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.err != nil {
		return "", m.err
	}
	d.Email = to
	m.sent = append(m.sent, d)
	if m.got != nil {
		m.got <- d
	}
	return "email-1", nil
}

var opts = accounts.Options{
	SecretKey: "test-secret-key-that-is-long-enough", AccessTokenTTL: time.Hour, ResetTokenTTL: time.Hour,
	FrontendHost: "http://shop.test", ProjectName: "Test Shop",
}

func newService(t *testing.T, o accounts.Options) (*accounts.Service, *fakeMailer, *pgxpool.Pool) {
	t.Helper()
	pool, _ := testenv.NewPool(t)
	m := &fakeMailer{got: make(chan emails.Data, 10)}
	return accounts.NewService(accounts.NewStore(db.NewStore(pool)), m, o, slog.New(slog.NewTextHandler(io.Discard, nil))), m, pool
}

func create(t *testing.T, s *accounts.Service, email string) accounts.User {
	t.Helper()
	u, err := s.Create(t.Context(), accounts.NewUser{Email: email, Password: "password-123", FullName: "Ann", IsActive: true})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestCreateRefusesATakenAddressAndMailsWithoutThePassword(t *testing.T) {
	s, mail, _ := newService(t, opts)
	u := create(t, s, "ann@example.com")
	if _, err := s.Create(t.Context(), accounts.NewUser{Email: "ANN@example.com", Password: "password-123"}); !errors.Is(err, accounts.ErrEmailTaken) {
		t.Fatalf("same address in other case: %v", err)
	}
	if _, err := s.Create(t.Context(), accounts.NewUser{Email: "bob@example.com", Password: "short"}); !errors.Is(err, accounts.ErrPasswordLength) {
		t.Fatalf("short password: %v", err)
	}
	if len(mail.sent) != 1 || mail.sent[0].Email != u.Email || mail.sent[0].ProjectName != "Test Shop" || mail.sent[0].Link != "http://shop.test" {
		t.Fatalf("sent %+v", mail.sent)
	}
	// With no relay, the account still stands.
	mail.err = emails.ErrDisabled
	create(t, s, "carl@example.com")
}

func TestSignupFollowsTheServersRule(t *testing.T) {
	closed, _, _ := newService(t, opts)
	if _, err := closed.Signup(t.Context(), "new@example.com", "New", "password-123"); !errors.Is(err, accounts.ErrRegistrationClosed) {
		t.Fatalf("closed registration: %v", err)
	}
	o := opts
	o.OpenRegistration = true
	open, _, _ := newService(t, o)
	u, err := open.Signup(t.Context(), "new@example.com", "New", "password-123")
	if err != nil || u.Role != access.Customer || !u.IsActive {
		t.Fatalf("signup: %+v %v", u, err)
	}
}

func TestLoginAuthenticateAndRevocation(t *testing.T) {
	s, _, _ := newService(t, opts)
	u := create(t, s, "ann@example.com")
	for _, pw := range []string{"password-124", ""} {
		if _, err := s.Login(t.Context(), u.Email, pw); !errors.Is(err, accounts.ErrBadCredentials) {
			t.Fatalf("wrong password: %v", err)
		}
	}
	if _, err := s.Login(t.Context(), "nobody@example.com", "password-123"); !errors.Is(err, accounts.ErrBadCredentials) {
		t.Fatalf("unknown user: %v", err)
	}
	token, err := s.Login(t.Context(), strings.ToUpper(u.Email), "password-123")
	if err != nil {
		t.Fatal(err)
	}
	me, err := s.Authenticate(t.Context(), token)
	if err != nil || me.ID != u.ID {
		t.Fatalf("authenticate: %+v %v", me, err)
	}
	if err := s.ChangePassword(t.Context(), me, "password-123", "password-123"); !errors.Is(err, accounts.ErrSamePassword) {
		t.Fatalf("same password: %v", err)
	}
	if err := s.ChangePassword(t.Context(), me, "wrong-one", "password-456"); !errors.Is(err, accounts.ErrIncorrectPassword) {
		t.Fatalf("wrong current password: %v", err)
	}
	if err := s.ChangePassword(t.Context(), me, "password-123", "password-456"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(t.Context(), token); !errors.Is(err, accounts.ErrUnauthenticated) {
		t.Fatalf("a token from before the change: %v", err)
	}
	no := false
	if _, _, err := s.Update(t.Context(), u.ID, accounts.Change{IsActive: &no}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Login(t.Context(), u.Email, "password-456"); !errors.Is(err, accounts.ErrLoginInactive) {
		t.Fatalf("inactive login: %v", err)
	}
}

func TestAResetLinkWorksOnce(t *testing.T) {
	s, mail, _ := newService(t, opts)
	u := create(t, s, "ann@example.com")
	<-mail.got // the new-account e-mail
	s.RecoverPassword(t.Context(), "nobody@example.com")
	s.RecoverPassword(t.Context(), u.Email)
	var sent emails.Data
	select {
	case sent = <-mail.got:
	case <-time.After(10 * time.Second):
		t.Fatal("no recovery e-mail")
	}
	token, ok := strings.CutPrefix(sent.Link, "http://shop.test/reset-password?token=")
	if sent.Email != u.Email || !ok || sent.ValidHours != 1 {
		t.Fatalf("recovery e-mail %+v", sent)
	}
	if err := s.ResetPassword(t.Context(), token, "short"); !errors.Is(err, accounts.ErrPasswordLength) {
		t.Fatalf("short password: %v", err)
	}
	if err := s.ResetPassword(t.Context(), token, "recovered-password"); err != nil {
		t.Fatal(err)
	}
	if err := s.ResetPassword(t.Context(), token, "another-password"); !errors.Is(err, accounts.ErrInvalidResetToken) {
		t.Fatalf("second use: %v", err)
	}
	if _, err := s.Login(t.Context(), u.Email, "recovered-password"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RecoveryEmail(t.Context(), "nobody@example.com"); !errors.Is(err, accounts.ErrNotFound) {
		t.Fatalf("preview of an unknown address: %v", err)
	}
}

func TestWhoMaySeeAndDeleteWhom(t *testing.T) {
	s, _, pool := newService(t, opts)
	ann, bob := create(t, s, "ann@example.com"), create(t, s, "bob@example.com")
	if _, _, err := s.MakeSuperuser(t.Context(), "root@example.com", "root-password"); err != nil {
		t.Fatal(err)
	}
	token, _ := s.Login(t.Context(), "root@example.com", "root-password")
	root, err := s.Authenticate(t.Context(), token)
	if err != nil || root.Role != access.AdminRole {
		t.Fatalf("superuser %+v %v", root, err)
	}
	if got, err := s.Get(t.Context(), bob.ID); err != nil || got.ID != bob.ID {
		t.Fatalf("read a user: %v", err)
	}
	if err := s.DeleteMe(t.Context(), root); !errors.Is(err, accounts.ErrAdminSelfDelete) {
		t.Fatalf("superuser deletes itself: %v", err)
	}
	if err := s.Delete(t.Context(), root, root.ID); !errors.Is(err, accounts.ErrAdminSelfDelete) {
		t.Fatalf("superuser deletes itself by id: %v", err)
	}
	// A user with orders: the constraint, named, becomes the domain's answer.
	if _, err := pool.Exec(t.Context(), `INSERT INTO orders (customer_id, currency, total_cents, shipping_address, payment_token, idempotency_key, request_hash)
		VALUES ($1, 'EUR', 0, '{}', 't', 'k', 'h')`, bob.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(t.Context(), root, bob.ID); !errors.Is(err, accounts.ErrHasOrders) {
		t.Fatalf("delete a user with orders: %v", err)
	}
	if err := s.DeleteMe(t.Context(), ann); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(t.Context(), root, ann.ID); !errors.Is(err, accounts.ErrNotFound) {
		t.Fatalf("delete a deleted user: %v", err)
	}
	email := "ROOT@example.com"
	if _, _, err := s.Update(t.Context(), bob.ID, accounts.Change{Email: &email}); !errors.Is(err, accounts.ErrEmailTaken) {
		t.Fatalf("taken e-mail: %v", err)
	}
	if _, _, err := s.Update(t.Context(), uuid.New(), accounts.Change{Email: &email}); !errors.Is(err, accounts.ErrNotFound) {
		t.Fatalf("unknown user: %v", err)
	}
}

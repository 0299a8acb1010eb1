package api_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/acme/orders/api"
	"github.com/acme/orders/internal/auth"
)

func TestLogin(t *testing.T) {
	t.Parallel()
	p := newPlatform(t)
	u, _ := p.newUser(false, true)

	if code, _ := p.loginResponse(u.Email, "password-123"); code != http.StatusOK {
		t.Fatalf("login: %d", code)
	}
	if code, _ := p.loginResponse(strings.ToUpper(u.Email), "password-123"); code != http.StatusOK {
		t.Fatalf("e-mail must be case-insensitive at login: %d", code)
	}
	for name, creds := range map[string][2]string{
		"wrong password": {u.Email, "password-124"},
		"unknown user":   {"nobody@example.com", "password-123"},
	} {
		if code, _ := p.loginResponse(creds[0], creds[1]); code != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", name, code)
		}
	}
	resp := p.api.Post("/api/v1/login/access-token", "Content-Type: application/x-www-form-urlencoded", strings.NewReader("username=a@b.c"))
	if resp.Code != http.StatusUnprocessableEntity {
		t.Errorf("missing password: %d, want 422", resp.Code)
	}

	// Inactive users cannot log in.
	p.do(http.MethodPatch, "/api/v1/users/"+u.ID, p.admin, map[string]any{"is_active": false}, nil)
	if code, _ := p.loginResponse(u.Email, "password-123"); code != http.StatusBadRequest {
		t.Fatalf("inactive login: %d", code)
	}
}

func TestTokensThatMustBeRefused(t *testing.T) {
	t.Parallel()
	p := newPlatform(t)
	u, token := p.newUser(false, true)
	id := uuid.MustParse(u.ID)
	tokens := auth.NewTokens(secretKey)
	expired, _ := tokens.Issue(id, 1, auth.PurposeAccess, -time.Minute)
	otherSecret, _ := auth.NewTokens("another-secret-another-secret!!").Issue(id, 1, auth.PurposeAccess, time.Hour)
	resetToken, _ := tokens.Issue(id, 1, auth.PurposeReset, time.Hour)
	parts := strings.Split(token, ".")
	algNone := "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0." + parts[1] + "."
	tampered := parts[0] + "." + parts[1] + "x." + parts[2]

	cases := map[string]string{
		"malformed": "abc", "expired": expired, "signed with another key": otherSecret,
		"reset token": resetToken, "alg none": algNone, "tampered": tampered,
	}
	for name, tok := range cases {
		resp := p.api.Get("/api/v1/users/me", "Authorization: Bearer "+tok)
		if resp.Code != http.StatusUnauthorized || resp.Header().Get("WWW-Authenticate") != "Bearer" {
			t.Errorf("%s: %d %q", name, resp.Code, resp.Header().Get("WWW-Authenticate"))
		}
	}
	if resp := p.api.Get("/api/v1/users/me", "Authorization: Basic "+token); resp.Code != http.StatusUnauthorized {
		t.Errorf("non-bearer scheme: %d", resp.Code)
	}

	// Revoked: a password change kills every earlier token.
	code := p.do(http.MethodPatch, "/api/v1/users/me/password", token,
		map[string]any{"current_password": "password-123", "new_password": "password-456"}, nil)
	if code != http.StatusOK {
		t.Fatalf("change password: %d", code)
	}
	if code := p.do(http.MethodGet, "/api/v1/users/me", token, nil, nil); code != http.StatusUnauthorized {
		t.Fatalf("token from before the password change: %d, want 401", code)
	}
	fresh := p.login(u.Email, "password-456")
	if code := p.do(http.MethodGet, "/api/v1/users/me", fresh, nil, nil); code != http.StatusOK {
		t.Fatalf("new token: %d", code)
	}
	// Deleted user: the token dies with the account.
	p.do(http.MethodDelete, "/api/v1/users/"+u.ID, p.admin, nil, nil)
	if code := p.do(http.MethodGet, "/api/v1/users/me", fresh, nil, nil); code != http.StatusUnauthorized {
		t.Fatalf("token of a deleted user: %d", code)
	}
}

func TestLoginRehashesWhenParametersChange(t *testing.T) {
	p := newPlatform(t)
	u, _ := p.newUser(false, true)
	old := auth.Current
	t.Cleanup(func() { auth.Current = old })
	auth.Current = auth.Params{Memory: old.Memory + 1024, Time: old.Time, Threads: old.Threads}

	p.login(u.Email, "password-123")
	var stored string
	if err := p.pool.QueryRow(p.ctx(), "SELECT password_hash FROM users WHERE id = $1", u.ID).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if auth.NeedsRehash(stored) {
		t.Fatalf("hash not upgraded at login: %s", stored)
	}
	p.login(u.Email, "password-123") // and the new hash still verifies
}

var tokenInLink = regexp.MustCompile(`reset-password\?token=([A-Za-z0-9._-]+)`)

func TestPasswordRecovery(t *testing.T) {
	t.Parallel()
	p := newPlatform(t)
	u, _ := p.newUser(false, true)

	// Known and unknown addresses get the same answer.
	var known, unknown struct{ Message string }
	if code := p.do(http.MethodPost, "/api/v1/password-recovery/"+u.Email, "", nil, &known); code != http.StatusAccepted {
		t.Fatalf("recovery: %d", code)
	}
	if code := p.do(http.MethodPost, "/api/v1/password-recovery/"+p.email("nobody"), "", nil, &unknown); code != http.StatusAccepted {
		t.Fatalf("recovery of an unknown address: %d", code)
	}
	if known != unknown {
		t.Fatalf("answers differ: %q vs %q", known.Message, unknown.Message)
	}

	msg := p.mail.WaitForMessage(t, u.Email, "Password recovery", 30*time.Second)
	m := tokenInLink.FindStringSubmatch(msg.Text)
	if m == nil || !strings.Contains(msg.Text, "http://shop.test/reset-password?token=") || !strings.Contains(msg.HTML, m[1]) {
		t.Fatalf("no reset link in the e-mail:\n%s", msg.Text)
	}
	token := m[1]

	reset := func(pw string) int {
		return p.do(http.MethodPost, "/api/v1/reset-password/", "", map[string]any{"token": token, "new_password": pw}, nil)
	}
	if code := reset("short"); code != http.StatusUnprocessableEntity {
		t.Fatalf("short password: %d", code)
	}
	if code := reset("recovered-password"); code != http.StatusOK {
		t.Fatalf("reset: %d", code)
	}
	p.login(u.Email, "recovered-password")
	if code, _ := p.loginResponse(u.Email, "password-123"); code != http.StatusBadRequest {
		t.Fatalf("old password still works: %d", code)
	}
	if code := reset("another-password"); code != http.StatusBadRequest {
		t.Fatalf("the reset token worked twice: %d", code)
	}
	if code := p.do(http.MethodPost, "/api/v1/reset-password/", "", map[string]any{"token": "junk", "new_password": "whatever-1"}, nil); code != http.StatusBadRequest {
		t.Fatalf("junk token: %d", code)
	}
	if got := p.mail.Count(t, p.email("nobody")); got != 0 {
		t.Fatalf("%d e-mails went to an unknown address", got)
	}
}

func TestResetTokenDiesWithAPasswordChange(t *testing.T) {
	t.Parallel()
	p := newPlatform(t)
	u, token := p.newUser(false, true)
	p.do(http.MethodPost, "/api/v1/password-recovery/"+u.Email, "", nil, nil)
	msg := p.mail.WaitForMessage(t, u.Email, "Password recovery", 30*time.Second)
	resetToken := tokenInLink.FindStringSubmatch(msg.Text)[1]

	p.do(http.MethodPatch, "/api/v1/users/me/password", token,
		map[string]any{"current_password": "password-123", "new_password": "password-789"}, nil)
	code := p.do(http.MethodPost, "/api/v1/reset-password", "", map[string]any{"token": resetToken, "new_password": "hijacked-pw"}, nil)
	if code != http.StatusBadRequest {
		t.Fatalf("reset token from before a password change: %d, want 400", code)
	}
}

func TestRecoveryPreview(t *testing.T) {
	t.Parallel()
	p := newPlatform(t)
	u, _ := p.newUser(false, true)
	resp := p.api.Post("/api/v1/password-recovery-html-content/"+u.Email, "Authorization: Bearer "+p.admin)
	if resp.Code != http.StatusOK || !strings.HasPrefix(resp.Header().Get("Content-Type"), "text/html") ||
		!strings.Contains(resp.Body.String(), "reset-password?token=") || !strings.Contains(resp.Header().Get("Subject"), u.Email) {
		t.Fatalf("preview: %d %v\n%s", resp.Code, resp.Header(), resp.Body)
	}
	if code := p.do(http.MethodPost, "/api/v1/password-recovery-html-content/nobody@example.com", p.admin, nil, nil); code != http.StatusNotFound {
		t.Fatalf("unknown address: %d", code)
	}
}

func TestRateLimits(t *testing.T) {
	t.Parallel()
	p := newPlatform(t, func(s *settings) {
		s.http.RateLimits = api.RateLimits{Login: 5, PasswordRecovery: 2, Signup: 1}
		s.accounts.OpenRegistration = true
	})
	// p.admin used one login.
	for i := 0; i < 4; i++ {
		if code, _ := p.loginResponse(adminEmail, "wrong-password"); code != http.StatusBadRequest {
			t.Fatalf("login %d: %d", i, code)
		}
	}
	form := url.Values{"username": {adminEmail}, "password": {adminPassword}}.Encode()
	resp := p.api.Post("/api/v1/login/access-token", "Content-Type: application/x-www-form-urlencoded", strings.NewReader(form))
	if resp.Code != http.StatusTooManyRequests || resp.Header().Get("Retry-After") == "" {
		t.Fatalf("6th login in a minute: %d, Retry-After %q", resp.Code, resp.Header().Get("Retry-After"))
	}
	for i, want := range []int{202, 202, 429} {
		if code := p.do(http.MethodPost, "/api/v1/password-recovery/x@example.com", "", nil, nil); code != want {
			t.Fatalf("recovery %d: %d, want %d", i, code, want)
		}
	}
	for i, want := range []int{201, 429} {
		body := map[string]any{"email": "s" + string(rune('a'+i)) + "@example.com", "password": "password-123"}
		if code := p.do(http.MethodPost, "/api/v1/users/signup", "", body, nil); code != want {
			t.Fatalf("signup %d: %d, want %d", i, code, want)
		}
	}
	// Other operations are not limited.
	for range 10 {
		if code := p.do(http.MethodGet, "/api/v1/users/me", p.admin, nil, nil); code != http.StatusOK {
			t.Fatalf("read me: %d", code)
		}
	}
}

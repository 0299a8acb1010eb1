package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/danielgtaylor/huma/v2/humatest"
	"github.com/jackc/pgx/v5/pgxpool"
	"go.temporal.io/sdk/client"

	"github.com/acme/orders/api"
	"github.com/acme/orders/db"
	"github.com/acme/orders/internal/accounts"
	"github.com/acme/orders/internal/config"
	"github.com/acme/orders/internal/outbox"
	"github.com/acme/orders/internal/temporalconn"
	"github.com/acme/orders/internal/testenv"
	"github.com/acme/orders/internal/worker"
)

const (
	adminEmail    = "admin@example.com"
	adminPassword = "admin-password-1"
)

// platform is the API under test with everything real behind it: a fresh
// database, a Temporal dev server with the platform's worker, and Mailpit.
type platform struct {
	t        *testing.T
	api      humatest.TestAPI
	cfg      config.Config
	pool     *pgxpool.Pool
	mail     *testenv.Mailpit
	temporal *testenv.Temporal
	client   client.Client
	admin    string // the first superuser's token
}

func testConfig() config.Config {
	return config.Config{
		Environment:            "local",
		HTTPMaxBodyBytes:       1 << 20,
		TemporalNamespace:      "default",
		TemporalTaskQueue:      "orders-api-test",
		SecretKey:              "test-secret-key-that-is-long-enough",
		ProjectName:            "Test Shop",
		FrontendHost:           "http://shop.test",
		AccessTokenExpire:      time.Hour,
		EmailResetTokenExpire:  48 * time.Hour,
		FirstSuperuser:         adminEmail,
		FirstSuperuserPassword: adminPassword,

		OrderApprovalThresholdCents: 100_000,
		OrderApprovalTimeout:        48 * time.Hour,
		OrderWorkflowRetryInterval:  500 * time.Millisecond,
	}
}

func newPlatform(t *testing.T, adjust ...func(*config.Config)) *platform {
	t.Helper()
	pool, _ := testenv.NewPool(t)
	temporal := testenv.StartTemporal(t)
	mail := testenv.StartMailpit(t)

	cfg := testConfig()
	cfg.TemporalAddress = temporal.HostPort()
	cfg.SMTP = config.SMTP{Host: "127.0.0.1", Port: mail.SMTPPort, FromEmail: "shop@example.com", FromName: "Test Shop"}
	for _, f := range adjust {
		f(&cfg)
	}
	tc, err := temporalconn.Dial(t.Context(), cfg, quietLogger())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tc.Close)
	w := worker.New(tc, cfg, pool)
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)
	relayCtx, stopRelay := context.WithCancel(context.Background())
	t.Cleanup(stopRelay)
	go (&outbox.Starter{DB: pool, Temporal: tc, Config: cfg, Logger: quietLogger()}).Relay(relayCtx)

	if _, err := accounts.EnsureSuperuser(t.Context(), db.New(pool), cfg.FirstSuperuser, cfg.FirstSuperuserPassword); err != nil {
		t.Fatal(err)
	}
	p := &platform{t: t, cfg: cfg, pool: pool, mail: mail, temporal: temporal, client: tc}
	p.api = newTestAPI(t, api.Deps{Config: cfg, Logger: quietLogger(), DB: pool, Temporal: tc})
	p.admin = p.login(adminEmail, adminPassword)
	return p
}

// do sends a request with an optional bearer token and JSON body, and
// decodes a JSON answer into out when out is not nil.
func (p *platform) do(method, path, token string, body any, out any) int {
	p.t.Helper()
	args := []any{}
	if token != "" {
		args = append(args, "Authorization: Bearer "+token)
	}
	if body != nil {
		args = append(args, body)
	}
	resp := p.api.Do(method, path, args...)
	if out != nil && resp.Code < 300 {
		if err := json.Unmarshal(resp.Body.Bytes(), out); err != nil {
			p.t.Fatalf("%s %s: decode %s: %v", method, path, resp.Body, err)
		}
	}
	return resp.Code
}

func (p *platform) loginResponse(email, password string) (int, string) {
	p.t.Helper()
	form := url.Values{"username": {email}, "password": {password}}.Encode()
	resp := p.api.Post("/api/v1/login/access-token", "Content-Type: application/x-www-form-urlencoded", strings.NewReader(form))
	var tok struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
	}
	_ = json.Unmarshal(resp.Body.Bytes(), &tok)
	return resp.Code, tok.AccessToken
}

func (p *platform) login(email, password string) string {
	p.t.Helper()
	code, token := p.loginResponse(email, password)
	if code != http.StatusOK || token == "" {
		p.t.Fatalf("login %s: %d", email, code)
	}
	return token
}

type user struct {
	ID          string `json:"id"`
	Email       string `json:"email"`
	FullName    string `json:"full_name"`
	IsActive    bool   `json:"is_active"`
	IsSuperuser bool   `json:"is_superuser"`
}

var userSeq int

// newUser creates a user through the API (as the superuser) and returns it
// with a token, unless it is inactive (an inactive user cannot log in).
func (p *platform) newUser(superuser, active bool) (user, string) {
	p.t.Helper()
	userSeq++
	email := fmt.Sprintf("user%d-%d@example.com", userSeq, time.Now().UnixNano())
	var u user
	code := p.do(http.MethodPost, "/api/v1/users/", p.admin, map[string]any{
		"email": email, "password": "password-123", "full_name": "User", "is_superuser": superuser,
	}, &u)
	if code != http.StatusCreated {
		p.t.Fatalf("create user: %d", code)
	}
	token := p.login(email, "password-123")
	if !active {
		if code := p.do(http.MethodPatch, "/api/v1/users/"+u.ID, p.admin, map[string]any{"is_active": false}, &u); code != http.StatusOK {
			p.t.Fatalf("deactivate: %d", code)
		}
	}
	return u, token
}

func (p *platform) ctx() context.Context { return p.t.Context() }

func decode(t *testing.T, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
}

// recordHistory saves the order workflow's history as a replay fixture for
// workflows/replay_test.go, when RECORD_HISTORIES is set (`make histories`).
// Replaying these on every test run makes a change that would break running
// orders fail CI.
func (p *platform) recordHistory(name, orderID string) {
	p.t.Helper()
	if os.Getenv("RECORD_HISTORIES") == "" {
		return
	}
	out, err := exec.Command(testenv.TemporalCLI(p.t), "workflow", "show", "--address", p.temporal.HostPort(),
		"--workflow-id", "order-"+orderID, "--output", "json").Output()
	if err != nil {
		p.t.Fatalf("record history %s: %v", name, err)
	}
	path := filepath.Join(testenv.RepoRoot(p.t), "workflows", "testdata", "order_"+name+".json")
	if err := os.WriteFile(path, out, 0o644); err != nil {
		p.t.Fatal(err)
	}
}

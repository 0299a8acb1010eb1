package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/danielgtaylor/huma/v2/humatest"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"go.opentelemetry.io/otel/trace"
	tracenoop "go.opentelemetry.io/otel/trace/noop"
	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"

	"github.com/acme/orders/activities"
	"github.com/acme/orders/api"
	"github.com/acme/orders/db"
	"github.com/acme/orders/internal/accounts"
	"github.com/acme/orders/internal/apikeys"
	"github.com/acme/orders/internal/audit"
	"github.com/acme/orders/internal/auth"
	"github.com/acme/orders/internal/catalog"
	"github.com/acme/orders/internal/config"
	"github.com/acme/orders/internal/events"
	"github.com/acme/orders/internal/orders"
	"github.com/acme/orders/internal/temporalconn"
	"github.com/acme/orders/internal/testenv"
	"github.com/acme/orders/internal/upkeep"
	"github.com/acme/orders/workflowclient"
	"github.com/acme/orders/workflows"
)

// The integration tests of this package share one Temporal dev server and
// one Mailpit; each test has its own database, task queue and mail domain.
func TestMain(m *testing.M) { testenv.Main(m) }

const (
	adminEmail    = "admin@example.com"
	adminPassword = "admin-password-1"
	secretKey     = "test-secret-key-that-is-long-enough"
)

// settings are what a test may change of its platform.
type settings struct {
	accounts    accounts.Options
	orders      orders.Options
	http        api.Options
	emails      bool // a mail relay is configured
	ownTemporal bool // a server of its own, which the test may stop
	ownMailpit  bool
	ownDatabase bool          // a PostgreSQL server of its own, which the test may stop or freeze
	dbTimeout   time.Duration // DATABASE_TIMEOUT
	noWorker    bool          // nothing polls the task queue: workflows start and wait
	noRelay     bool          // the outbox relay does not run: an order left unstarted stays so
	// rereadCredentials: no credential cache (CREDENTIAL_CACHE_TTL=0), every
	// request reads its account or key.
	rereadCredentials bool
	stripe            bool // payments go to Stripe's API on stripe-mock (p.stripe), not the simulated gateway
	// webhooks is the delivery policy; privateURLs lets endpoints use
	// http and loopback addresses (the test receivers').
	webhooks    events.Policy
	privateURLs bool
	// tracer records the platform's spans (HTTP, SQL, Temporal); nil: none.
	tracer trace.TracerProvider
	logger *slog.Logger // the platform's log; nil: quiet
}

func defaultSettings() settings {
	return settings{
		accounts: accounts.Options{
			SecretKey: secretKey, AccessTokenTTL: time.Hour, ResetTokenTTL: 48 * time.Hour,
			FrontendHost: "http://shop.test", ProjectName: "Test Shop",
		},
		orders:    orders.Options{ApprovalThresholdCents: 100_000, ApprovalTimeout: 48 * time.Hour, RetryInterval: 500 * time.Millisecond},
		http:      api.Options{MaxBodyBytes: 1 << 20},
		emails:    true,
		dbTimeout: db.DefaultTimeout,
		webhooks: events.Policy{
			Schedule:     []time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond, 800 * time.Millisecond, time.Second},
			DisableAfter: time.Hour,
		},
		privateURLs: true,
	}
}

// platform is the API under test with everything real behind it: a fresh
// database, a Temporal dev server with the platform's worker, and Mailpit,
// wired as cmd wires them.
type platform struct {
	t        testing.TB
	api      humatest.TestAPI
	settings settings
	pool     *pgxpool.Pool
	store    *db.Store
	events   *events.Store
	mail     *testenv.Mailpit
	temporal *testenv.Temporal
	cluster  *testenv.Cluster    // with ownDatabase
	stripe   *testenv.StripeMock // with settings.stripe
	client   client.Client
	deps     api.Deps // what the API was built with
	queue    string   // the worker's task queue
	admin    string   // the first superuser's token
	domain   string   // every address this test mails to ends in it
}

func newPlatform(t testing.TB, adjust ...func(*settings)) *platform {
	t.Helper()
	s := defaultSettings()
	for _, f := range adjust {
		f(&s)
	}
	if s.tracer == nil {
		s.tracer = tracenoop.NewTracerProvider()
	}
	if s.logger == nil {
		s.logger = quietLogger()
	}
	p := &platform{t: t, settings: s, domain: "t" + uuid.NewString()[:8] + ".example.com"}
	dbURL, poolOpts := "", db.PoolOptions{MaxConns: 4, Tracer: s.tracer}
	if s.ownDatabase {
		p.cluster = testenv.StartCluster(t)
		dbURL = p.cluster.URL()
		poolOpts.StatementTimeout, poolOpts.LockTimeout, poolOpts.ConnectTimeout = s.dbTimeout, s.dbTimeout, s.dbTimeout
	} else {
		dbURL = testenv.NewDatabase(t)
	}
	pool, err := db.NewPool(t.Context(), dbURL, poolOpts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	p.pool = pool
	store := db.NewStore(p.pool).WithTimeout(s.dbTimeout)
	listener := db.NewListener(pool, s.logger)
	listenCtx, stopListening := context.WithCancel(context.Background())
	t.Cleanup(stopListening)
	go listener.Run(listenCtx)
	p.store, p.events = store, events.NewStore(store, listener)
	if s.ownTemporal {
		p.temporal = testenv.StartTemporal(t)
	} else {
		p.temporal = testenv.SharedTemporal(t)
	}
	smtp := config.SMTP{FromEmail: "shop@example.com", FromName: "Test Shop"}
	if s.emails {
		if s.ownMailpit {
			p.mail = testenv.StartMailpit(t)
		} else {
			p.mail = testenv.SharedMailpit(t)
		}
		smtp.Host, smtp.Port = "127.0.0.1", p.mail.SMTPPort
	}

	queue := "orders-test-" + uuid.NewString()
	p.queue = queue
	interceptors, err := workflowclient.Interceptors(s.tracer)
	if err != nil {
		t.Fatal(err)
	}
	tc, err := temporalconn.Dial(config.Temporal{Address: p.temporal.HostPort(), Namespace: "default"}, s.logger,
		temporalconn.Instruments{Interceptors: interceptors})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tc.Close)
	p.client = tc
	wf := workflowclient.NewClient(tc, workflowclient.ClientOptions{TaskQueue: queue, EmailsEnabled: smtp.Enabled()})

	ordOpts := s.orders
	ordOpts.Tracer = s.tracer
	ord := orders.NewService(orders.NewStore(store), catalog.NewStore(store), wf, ordOpts, s.logger)
	if !s.noRelay {
		relayCtx, stopRelay := context.WithCancel(context.Background())
		t.Cleanup(stopRelay)
		go ord.Relay(relayCtx)
	}

	if !s.noWorker {
		var gateway activities.PaymentGateway = activities.NewSimulatedGateway()
		if s.stripe {
			p.stripe = testenv.StartStripeMock(t)
			gateway = activities.NewStripeGateway("sk_test_123", p.stripe.URL, 10*time.Second)
		}
		w := sdkworker.New(tc, queue, sdkworker.Options{})
		workflows.Register(w)
		activities.Register(w, activities.Deps{
			Orders: orders.NewStore(store), Stock: catalog.NewStore(store), Payments: gateway, Carrier: activities.SimulatedCarrier{},
			Mailer: activities.NewSMTPMailer(smtp), ProjectName: s.accounts.ProjectName,
			Webhooks: activities.Webhooks{
				Store: p.events, Accounts: accounts.NewStore(store), Policy: s.webhooks, Tracer: s.tracer,
				Sender: activities.NewWebhookSender(5*time.Second, s.privateURLs),
			},
			Upkeep: activities.Upkeep{
				Reconciler: upkeep.Reconciler{
					Store: upkeep.NewStore(store), Orders: orders.NewStore(store), Stock: catalog.NewStore(store),
					Workflows: wf, Starter: ord, Logger: quietLogger(), // Grace 0: the test's orders are judged at once
				},
				Store: upkeep.NewStore(store), Orders: orders.NewStore(store), Events: p.events, Accounts: accounts.NewStore(store),
				RateLog: db.NewRateLog(store), Audit: audit.NewLog(store),
			},
		})
		if err := w.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(w.Stop)
		waker := &workflowclient.WebhookWaker{Client: wf, Store: p.events, Logger: s.logger, Reconcile: time.Second}
		go waker.Run(listenCtx)
	}

	// The credential caches as the API process has them: forgotten at every
	// change's notification.
	accOpts := s.accounts
	var keyCache *auth.Cache[apikeys.Live]
	if !s.rereadCredentials {
		accOpts.Cache = auth.NewCache[accounts.User](time.Minute, 1000, listener.Connected)
		keyCache = auth.NewCache[apikeys.Live](time.Minute, 1000, listener.Connected)
		listener.OnCredentialsChange(accOpts.Cache.Forget)
		listener.OnCredentialsChange(keyCache.Forget)
	}
	keys := apikeys.NewService(store, keyCache)
	go keys.Run(listenCtx, quietLogger())
	acc := accounts.NewService(accounts.NewStore(store), wf, accOpts, quietLogger())
	if _, err := acc.EnsureSuperuser(t.Context(), adminEmail, adminPassword); err != nil {
		t.Fatal(err)
	}
	p.deps = api.Deps{
		Logger: s.logger, Auth: acc, Keys: keys, Audit: audit.NewLog(store), Accounts: acc, Catalog: catalog.NewService(catalog.NewStore(store)), Orders: ord, Jobs: wf,
		Events: p.events, Webhooks: events.NewEndpoints(p.events, events.URLGuard{AllowPrivate: s.privateURLs}, wf, s.logger),
		RateLog: db.NewRateLog(store), Options: s.http, Telemetry: api.Telemetry{Tracer: s.tracer}, Findings: upkeep.NewStore(store),
	}
	p.api = newTestAPI(t, p.deps)
	p.admin = p.login(adminEmail, adminPassword)
	return p
}

// email is an address of this test's own mail domain.
func (p *platform) email(local string) string { return local + "@" + p.domain }

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
	Role        string `json:"role"`
	IsSuperuser bool   `json:"is_superuser"`
}

var userSeq atomic.Int64

// newUser creates a user through the API (as the superuser) and returns it
// with a token, unless it is inactive (an inactive user cannot log in).
func (p *platform) newUser(superuser, active bool) (user, string) {
	p.t.Helper()
	email := p.email(fmt.Sprintf("user%d", userSeq.Add(1)))
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

func decode(t testing.TB, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
}

// orders reads the order tables directly, for what the API does not show
// (payments, shipments, whether a workflow started).
func (p *platform) orders() *orders.Store { return orders.NewStore(db.NewStore(p.pool)) }

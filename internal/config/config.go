// Package config reads the platform's settings from the environment (and an
// optional .env file) into one typed struct, validated once at start.
//
// Each variable is declared once, in the tags of its field: `env` names it,
// `default` gives its value when unset, `required`, `oneof`, `min`/`max`,
// `unit` and `url` constrain it, and `secret` masks it when printed. Loading,
// Variables and the printed form all walk these fields.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"strings"
	"time"

	"github.com/joho/godotenv"
)

// Config is every setting the binaries read, in groups; cmd hands each
// package only the group or the few values it needs. Load is the only
// constructor that validates.
type Config struct {
	Environment string `env:"ENVIRONMENT" default:"local" oneof:"local,staging,production"`

	HTTP      HTTP
	Database  Database
	Temporal  Temporal
	Log       Log
	Accounts  Accounts
	SMTP      SMTP
	Orders    Orders
	Payments  Payments
	Events    Events
	Upkeep    Upkeep
	Telemetry Telemetry
	Debug     Debug
}

// HTTP is the API server.
type HTTP struct {
	Addr            string        `env:"HTTP_ADDR" default:":8000"`
	MaxBodyBytes    int64         `env:"HTTP_MAX_BODY_BYTES" default:"1048576" min:"1024" max:"1073741824"`
	ReadTimeout     time.Duration `env:"HTTP_READ_TIMEOUT" default:"15s"`
	WriteTimeout    time.Duration `env:"HTTP_WRITE_TIMEOUT" default:"30s"`
	IdleTimeout     time.Duration `env:"HTTP_IDLE_TIMEOUT" default:"120s"`
	ShutdownTimeout time.Duration `env:"HTTP_SHUTDOWN_TIMEOUT" default:"20s"`
	CORSOrigins     []string      `env:"CORS_ORIGINS"`
	TrustedProxies  []string      `env:"TRUSTED_PROXIES"` // CIDRs or addresses whose X-Forwarded-For names the client
}

// TrustedProxyPrefixes are TRUSTED_PROXIES parsed (Load checked them).
func (h HTTP) TrustedProxyPrefixes() []netip.Prefix {
	out := make([]netip.Prefix, 0, len(h.TrustedProxies))
	for _, s := range h.TrustedProxies {
		if p, err := parsePrefix(s); err == nil {
			out = append(out, p)
		}
	}
	return out
}

// parsePrefix reads a CIDR, or one address as the prefix of itself.
func parsePrefix(s string) (netip.Prefix, error) {
	if !strings.Contains(s, "/") {
		addr, err := netip.ParseAddr(s)
		if err != nil {
			return netip.Prefix{}, err
		}
		return netip.PrefixFrom(addr.Unmap(), addr.Unmap().BitLen()), nil
	}
	p, err := netip.ParsePrefix(s)
	return p.Masked(), err
}

// Database is PostgreSQL.
type Database struct {
	URL      string `env:"DATABASE_URL" required:"true" url:"postgres,postgresql" secret:"url"`
	MaxConns int32  `env:"DATABASE_MAX_CONNS" default:"10" min:"1" max:"1000"`
	// Timeout bounds each statement, and each transaction as a whole, waiting
	// for a pooled connection included; it is also the server's
	// statement_timeout. Past it the API answers 503. Its maximum stays below
	// the activities' start-to-close timeouts, so an activity fails and
	// retries before Temporal gives up on it.
	Timeout     time.Duration `env:"DATABASE_TIMEOUT" default:"5s" min:"100ms" max:"20s"`
	LockTimeout time.Duration `env:"DATABASE_LOCK_TIMEOUT" default:"2s" min:"10ms" max:"20s"` // the server's lock_timeout
}

// Temporal is the workflow engine: a local dev server or a hosted one (TLS,
// mTLS or API key).
type Temporal struct {
	Address   string `env:"TEMPORAL_ADDRESS" default:"localhost:7233"`
	Namespace string `env:"TEMPORAL_NAMESPACE" default:"default"`
	TaskQueue string `env:"TEMPORAL_TASK_QUEUE" default:"orders"`
	TLS       bool   `env:"TEMPORAL_TLS" default:"false"`
	TLSCert   string `env:"TEMPORAL_TLS_CERT"` // client certificate file, for mTLS
	TLSKey    string `env:"TEMPORAL_TLS_KEY"`  // client key file, for mTLS
	APIKey    string `env:"TEMPORAL_API_KEY" secret:"true"`
	// WorkflowCacheSize is how many workflows a worker keeps in memory
	// between their tasks (the sticky cache); one evicted replays its
	// history when it next has work. It bounds the worker's memory: about
	// 20 KiB per cached order (docs/performance.md).
	WorkflowCacheSize int `env:"TEMPORAL_WORKFLOW_CACHE_SIZE" default:"10000" min:"1" max:"1000000"`
}

// Telemetry is tracing and metrics. The OTEL_* variables are OpenTelemetry's
// standard ones; those not listed here (OTEL_EXPORTER_OTLP_HEADERS,
// OTEL_TRACES_SAMPLER, OTEL_RESOURCE_ATTRIBUTES, ...) are read by its SDK
// from the process environment, not from .env.
type Telemetry struct {
	// TracesExporter is where spans go: otlp, console (standard output) or
	// none. Unset, it is otlp when an OTLP endpoint is set, else none: with
	// no exporter the platform records no spans at all.
	TracesExporter string `env:"OTEL_TRACES_EXPORTER" oneof:"otlp,console,none"`
	// OTLPEndpoint is the collector's (or Jaeger's) OTLP address, e.g.
	// http://localhost:4317 for gRPC or http://localhost:4318 for HTTP
	// (those are the defaults with OTEL_TRACES_EXPORTER=otlp).
	OTLPEndpoint string `env:"OTEL_EXPORTER_OTLP_ENDPOINT" url:"http,https"`
	OTLPProtocol string `env:"OTEL_EXPORTER_OTLP_PROTOCOL" default:"grpc" oneof:"grpc,http/protobuf"`
	// ServiceName names the process in traces; empty: orders-api,
	// orders-worker or orders-dev, by command.
	ServiceName string `env:"OTEL_SERVICE_NAME"`
	// WorkerMetricsAddr is where `orders worker` serves /metrics
	// (Prometheus); empty: off. The API serves its own on HTTP_ADDR.
	WorkerMetricsAddr string `env:"WORKER_METRICS_ADDR"`
}

// Tracing tells whether spans are recorded and exported at all.
func (t Telemetry) Tracing() bool { return t.TracesExporter != "none" && t.TracesExporter != "" }

// Debug is the operators' diagnostics listener.
type Debug struct {
	// Addr serves Go's profiles (/debug/pprof/) from the API and the worker;
	// off when empty. Bind it to localhost or a private network.
	Addr string `env:"DEBUG_ADDR"`
}

// Log is how the binaries log.
type Log struct {
	Level  slog.Level `env:"LOG_LEVEL" default:"info"`
	Format string     `env:"LOG_FORMAT" default:"text" oneof:"text,json"`
}

// Accounts are the users' settings: tokens, e-mails' links, sign-up, the
// first admin and the rate limits (of the anonymous endpoints, and per API key).
type Accounts struct {
	SecretKey              string        `env:"SECRET_KEY" required:"true" secret:"true"`
	ProjectName            string        `env:"PROJECT_NAME" default:"Order Platform"`
	FrontendHost           string        `env:"FRONTEND_HOST" default:"http://localhost:8000"` // where the reset-password link points
	AccessTokenExpire      time.Duration `env:"ACCESS_TOKEN_EXPIRE_MINUTES" default:"11520" unit:"1m" min:"1" max:"525600"`
	EmailResetTokenExpire  time.Duration `env:"EMAIL_RESET_TOKEN_EXPIRE_HOURS" default:"48" unit:"1h" min:"1" max:"720"`
	OpenRegistration       bool          `env:"USERS_OPEN_REGISTRATION" default:"false"`
	FirstSuperuser         string        `env:"FIRST_SUPERUSER"`
	FirstSuperuserPassword string        `env:"FIRST_SUPERUSER_PASSWORD" secret:"true"`
	// Attempts per client address in any minute (a sliding window).
	RateLimitLogin            int `env:"RATE_LIMIT_LOGIN" default:"10" min:"1" max:"1000000"`
	RateLimitPasswordRecovery int `env:"RATE_LIMIT_PASSWORD_RECOVERY" default:"5" min:"1" max:"1000000"`
	RateLimitSignup           int `env:"RATE_LIMIT_SIGNUP" default:"5" min:"1" max:"1000000"`
	// Requests per API key in any minute, on every replica together.
	RateLimitAPIKey int `env:"RATE_LIMIT_API_KEY" default:"6000" min:"1" max:"100000000"`
	// How long an API process may use an account or a key it verified
	// without reading it again; any change to one makes every process
	// forget them all at once (0: read them on every request).
	CredentialCacheTTL time.Duration `env:"CREDENTIAL_CACHE_TTL" default:"30s" max:"1h"`
}

// SMTP is the mail relay. E-mails are sent only when Host is set.
type SMTP struct {
	Host      string `env:"SMTP_HOST"`
	Port      int    `env:"SMTP_PORT" default:"587" min:"1" max:"65535"`
	User      string `env:"SMTP_USER"`
	Password  string `env:"SMTP_PASSWORD" secret:"true"`
	TLS       bool   `env:"SMTP_TLS" default:"true"`  // STARTTLS
	SSL       bool   `env:"SMTP_SSL" default:"false"` // implicit TLS
	FromEmail string `env:"EMAILS_FROM_EMAIL"`
	FromName  string `env:"EMAILS_FROM_NAME"` // PROJECT_NAME when empty
}

// Enabled tells whether the platform sends e-mail at all.
func (s SMTP) Enabled() bool { return s.Host != "" }

// Orders are the order rules that are configured.
type Orders struct {
	ApprovalThresholdCents int64         `env:"ORDER_APPROVAL_THRESHOLD_CENTS" default:"100000" min:"0" max:"4611686018427387904"` // orders above wait for an operator
	ApprovalTimeout        time.Duration `env:"ORDER_APPROVAL_TIMEOUT" default:"48h"`                                              // then they are cancelled
	WorkflowRetryInterval  time.Duration `env:"ORDER_WORKFLOW_RETRY_INTERVAL" default:"5s"`                                        // how often unstarted order workflows are retried
	ReturnWindow           time.Duration `env:"ORDER_RETURN_WINDOW" default:"720h" max:"8760h"`                                    // how long a delivered order stays open for returns and refunds; 0: it closes at once
}

// Payments are the payment provider and its clocks.
type Payments struct {
	Provider string `env:"PAYMENT_PROVIDER" default:"simulated" oneof:"simulated,stripe"`
	// StripeSecretKey is the API key (sk_live_…, sk_test_…) for PAYMENT_PROVIDER=stripe.
	StripeSecretKey string `env:"STRIPE_SECRET_KEY" secret:"true"`
	// StripeAPIBase points the Stripe client at another server (stripe-mock); empty: Stripe's.
	StripeAPIBase string `env:"STRIPE_API_BASE"`
	// StripeWebhookSecret (whsec_…) verifies the events Stripe sends to
	// POST /api/v1/payments/stripe/events; empty: they are refused.
	StripeWebhookSecret string `env:"STRIPE_WEBHOOK_SECRET" secret:"true"`
	// StripeTimeout bounds one call to Stripe (below the order step's 30s).
	StripeTimeout time.Duration `env:"STRIPE_TIMEOUT" default:"20s" min:"1s" max:"25s"`
	// AuthorizationTTL is how long an authorization holds at the provider
	// (7 days for most cards); 0: it does not lapse. An unshipped order's is
	// renewed, once, ReauthorizeBefore ahead of its lapse.
	AuthorizationTTL  time.Duration `env:"PAYMENT_AUTHORIZATION_TTL" default:"168h"`
	ReauthorizeBefore time.Duration `env:"PAYMENT_REAUTHORIZE_BEFORE" default:"24h"`
}

// Events are the event feed and the webhooks that push it.
type Events struct {
	Retention time.Duration `env:"EVENT_RETENTION" default:"720h" min:"1h"` // how long the feed keeps an event, and its deliveries
	// WebhookTimeout bounds one delivery attempt, connecting included.
	WebhookTimeout time.Duration `env:"WEBHOOK_TIMEOUT" default:"15s" min:"1s" max:"60s"`
	// WebhookRetrySchedule is the wait before each retry of a failed
	// delivery (±10 % jitter): about 3 days in all.
	WebhookRetrySchedule []time.Duration `env:"WEBHOOK_RETRY_SCHEDULE" default:"5s,5m,30m,2h,5h,10h,14h,20h,24h" min:"100ms" max:"168h"`
	// WebhookDisableAfter disables an endpoint whose every delivery failed
	// for this long (admins are e-mailed).
	WebhookDisableAfter time.Duration `env:"WEBHOOK_DISABLE_AFTER" default:"120h" min:"1m"`
	// WebhookAllowPrivateURLs lets endpoints use http and private or
	// loopback addresses: for a local set-up only.
	WebhookAllowPrivateURLs bool `env:"WEBHOOK_ALLOW_PRIVATE_URLS" default:"false"`
}

// Upkeep is the jobs on a clock. The retentions are written into the
// clean-up Schedule by `orders schedules apply`: a change takes effect when
// it runs again.
type Upkeep struct {
	// IdempotencyKeyRetention is how long a retry under an order's
	// Idempotency-Key returns that order; after it, the key is forgotten.
	IdempotencyKeyRetention time.Duration `env:"IDEMPOTENCY_KEY_RETENTION" default:"168h" min:"24h"`
	// DeliveryRetention is how long a settled webhook delivery (and its
	// attempts) is kept; pending ones stay until settled.
	DeliveryRetention time.Duration `env:"WEBHOOK_DELIVERY_RETENTION" default:"168h" min:"1h"`
	// ProviderEventRetention is how long the payment provider's events
	// are remembered, to take each once (Stripe redelivers for 3 days).
	ProviderEventRetention time.Duration `env:"PROVIDER_EVENT_RETENTION" default:"720h" min:"72h"`
	// RateLimitRetention forgets the rate-limit logs of clients idle for
	// longer (it must exceed every limit's window).
	RateLimitRetention time.Duration `env:"RATE_LIMIT_RETENTION" default:"24h" min:"1h"`
	// ReconciliationRetention is how long the reconciliation's findings are listed.
	ReconciliationRetention time.Duration `env:"RECONCILIATION_RETENTION" default:"720h" min:"1h"`
	// AuditLogRetention is how long the audit log keeps a record.
	AuditLogRetention time.Duration `env:"AUDIT_LOG_RETENTION" default:"8760h" min:"24h"`
	// ReconciliationGrace leaves an order alone for this long after its
	// last change, so that steps under way are not reported.
	ReconciliationGrace time.Duration `env:"RECONCILIATION_GRACE" default:"10m" min:"1s"`
}

// ErrInvalid marks every configuration error, so callers can tell them apart.
var ErrInvalid = errors.New("invalid configuration")

// Load reads the configuration. Values from getenv win over those in the file
// named by ENV_FILE (default ".env"); a missing file is not an error unless
// ENV_FILE names it. Every invalid variable is reported, each by name.
func Load(getenv func(string) string) (Config, error) {
	file := map[string]string{}
	path := getenv("ENV_FILE")
	if path == "" {
		path = ".env"
	}
	if vals, err := godotenv.Read(path); err == nil {
		file = vals
	} else if getenv("ENV_FILE") != "" {
		return Config{}, fmt.Errorf("ENV_FILE: %w", err)
	}
	r := &reader{get: func(k string) string {
		if v := getenv(k); v != "" {
			return v
		}
		return file[k]
	}}
	var c Config
	r.fill(&c)
	c.settle(r)
	return c, r.err()
}

// settle derives what depends on several variables, and checks the rules
// that span them.
func (c *Config) settle(r *reader) {
	c.Accounts.FrontendHost = strings.TrimRight(c.Accounts.FrontendHost, "/")
	if c.SMTP.FromName == "" {
		c.SMTP.FromName = c.Accounts.ProjectName
	}
	if c.SMTP.Host != "" && !strings.Contains(c.SMTP.FromEmail, "@") {
		r.fail("EMAILS_FROM_EMAIL", "must be an e-mail address when SMTP_HOST is set")
	}
	if p := c.Payments; p.Provider == "stripe" && p.StripeSecretKey == "" {
		r.fail("STRIPE_SECRET_KEY", "must be set when PAYMENT_PROVIDER=stripe")
	}
	if p := c.Payments; p.AuthorizationTTL > 0 && p.ReauthorizeBefore >= p.AuthorizationTTL {
		r.fail("PAYMENT_REAUTHORIZE_BEFORE", "must be shorter than PAYMENT_AUTHORIZATION_TTL")
	}
	if c.SMTP.TLS && c.SMTP.SSL {
		r.fail("SMTP_SSL", "SMTP_TLS (STARTTLS) and SMTP_SSL (implicit TLS) exclude each other; set one to false")
	}
	a := c.Accounts
	if (a.FirstSuperuser == "") != (a.FirstSuperuserPassword == "") {
		r.fail("FIRST_SUPERUSER", "FIRST_SUPERUSER and FIRST_SUPERUSER_PASSWORD must be set together")
	}
	local := c.Environment == "local"
	if a.FirstSuperuserPassword == "changethis" && !local {
		r.fail("FIRST_SUPERUSER_PASSWORD", `must not be "changethis" outside ENVIRONMENT=local`)
	}
	if a.SecretKey != "" && !local {
		if a.SecretKey == "changethis" {
			r.fail("SECRET_KEY", `must not be "changethis" outside ENVIRONMENT=local`)
		} else if len(a.SecretKey) < 32 {
			r.fail("SECRET_KEY", "must be at least 32 characters outside ENVIRONMENT=local")
		}
	}
	for _, p := range c.HTTP.TrustedProxies {
		if _, err := parsePrefix(p); err != nil {
			r.fail("TRUSTED_PROXIES", "%q is neither a CIDR (10.0.0.0/8) nor an address", p)
		}
	}
	if c.Database.LockTimeout > c.Database.Timeout {
		r.fail("DATABASE_LOCK_TIMEOUT", "must not be longer than DATABASE_TIMEOUT")
	}
	if (c.Temporal.TLSCert == "") != (c.Temporal.TLSKey == "") {
		r.fail("TEMPORAL_TLS_CERT", "TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY must be set together")
	}
	if c.Telemetry.TracesExporter == "" && c.Telemetry.OTLPEndpoint != "" {
		c.Telemetry.TracesExporter = "otlp"
	}
	if c.Temporal.TLSCert != "" || c.Temporal.APIKey != "" {
		c.Temporal.TLS = true // a hosted Temporal never takes these in plain text
	}
}

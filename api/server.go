// Package api is the HTTP layer: Huma v2 operations on a chi router, the
// middleware around them, and the embedded documentation pages.
package api

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humachi"
	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/go-chi/cors"

	"github.com/acme/orders/internal/access"
)

// BasePath prefixes every operation.
const BasePath = "/api/v1"

// Version is the API version shown in the OpenAPI document.
const Version = "1.0.0"

// Deps is what the handlers call; cmd builds it from the domain services,
// tests from fakes or from the same services.
type Deps struct {
	Logger    *slog.Logger
	Auth      Authenticator
	Keys      Keys
	Audit     AuditLog
	Accounts  Accounts
	Catalog   Catalog
	Orders    Orders
	Events    Events
	Webhooks  Webhooks
	Jobs      Jobs
	Findings  Findings
	Checks    []Check // what /utils/ready reports on
	RateLog   RateLog // logs the attempts at rate-limited operations; nil: in this process alone
	Options   Options
	Telemetry Telemetry
	// Done closes when the server shuts down: the event streams end then,
	// so that they do not hold the shutdown up. nil: never.
	Done <-chan struct{}
}

// Options are the HTTP layer's own settings.
type Options struct {
	MaxBodyBytes int64
	CORSOrigins  []string
	RateLimits   RateLimits
	// TrustedProxies are the proxies whose X-Forwarded-For names the client.
	TrustedProxies []netip.Prefix
	// StripeWebhookSecret verifies the events Stripe sends (whsec_…);
	// empty: they are refused.
	StripeWebhookSecret string
}

// RateLimits are requests per client address in any minute, and per API
// key (every request made with it); 0 means no limit.
type RateLimits struct {
	Login            int
	PasswordRecovery int
	Signup           int
	APIKey           int
}

// HumaConfig is the OpenAPI and format configuration shared by the server and tests.
func HumaConfig() huma.Config {
	cfg := huma.DefaultConfig("Order Platform API", Version)
	cfg.Info.Description = "Orders, catalog and users. Long-running work runs as Temporal workflows."
	cfg.OpenAPIPath = BasePath + "/openapi"
	cfg.SchemasPath = BasePath + "/schemas"
	cfg.DocsPath = ""     // served by docs.go from embedded assets, not a CDN
	cfg.CreateHooks = nil // no $schema links in bodies
	cfg.Transformers = []huma.Transformer{hideSecrets}
	cfg.Info.License = &huma.License{Name: "Proprietary"}
	cfg.Servers = []*huma.Server{{URL: "/", Description: "this server"}}
	cfg.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
		securityScheme: {
			Type: "oauth2",
			Description: "Log in with your e-mail as username; the token goes in `Authorization: Bearer <token>`. " +
				"A user holds the scopes of their role: customer (none: their own orders and account), " + roleScopesText() + ".",
			Flows: &huma.OAuthFlows{Password: &huma.OAuthFlow{
				TokenURL: tokenURL,
				Scopes:   access.Describe(),
			}},
		},
		keyScheme: {
			Type: "http", Scheme: "bearer", BearerFormat: "ok_live_…",
			Description: "An API key, created by an admin (`POST /api/v1/api-keys`) with the scopes it holds, " +
				"sent as `Authorization: Bearer ok_live_…`.",
		},
	}
	cfg.Components.Schemas = huma.NewMapRegistry("#/components/schemas/", schemaName)
	registerUUID(cfg.Components.Schemas)
	registerDomainTypes(cfg.Components.Schemas)
	cfg.Formats = map[string]huma.Format{
		"application/json":                  huma.DefaultJSONFormat,
		"json":                              huma.DefaultJSONFormat,
		"application/x-www-form-urlencoded": formFormat,
	}
	return cfg
}

// public marks an operation that needs no credentials, explicitly, so that the
// OpenAPI document says so instead of leaving it unspecified.
var public = []map[string][]string{{}}

// handlers is what every operation's handler is a method of.
type handlers struct {
	Deps
	api huma.API
}

// Register adds every operation to api under BasePath: the one list of
// operations. NewAPI calls it, and the tests reach it through NewAPI, so
// they exercise what the server serves.
func Register(api huma.API, d Deps) {
	if d.RateLog == nil {
		d.RateLog = newMemoryRateLog()
	}
	h := &handlers{Deps: d, api: api}
	v1 := huma.NewGroup(api, BasePath)
	v1.UseMiddleware(h.authenticate)
	h.registerUtils(v1)
	h.registerReconciliation(v1)
	h.registerAPIKeys(v1)
	h.registerAuditLog(v1)
	h.registerLogin(v1)
	h.registerUsers(v1)
	h.registerProducts(v1)
	h.registerOrders(v1)
	h.registerEvents(v1)
	h.registerWebhooks(v1)
	h.registerPaymentEvents(v1)
	documentHeaders(api.OpenAPI())
}

// limited adds a per-client rate limit of perMinute requests to an operation;
// 0 means no limit (tests). The document always lists the 429: the server's
// configuration cannot turn the limits off.
func (h *handlers) limited(perMinute int, op huma.Operation) huma.Operation {
	if perMinute > 0 {
		l := &rateLimiter{bucket: op.OperationID, limit: perMinute, window: time.Minute, log: h.RateLog}
		op.Middlewares = append(op.Middlewares, l.middleware(h))
	}
	op.Errors = append(op.Errors, http.StatusTooManyRequests)
	return op
}

// NewHandler builds the whole HTTP handler: middleware, docs and operations.
func NewHandler(d Deps) http.Handler { return NewAPI(d).Adapter() }

// NewAPI is the API behind NewHandler; tests wrap it with humatest.Wrap so
// that their requests pass through the same middleware as the server's.
func NewAPI(d Deps) huma.API {
	r := chi.NewRouter()
	r.Use(
		clientAddress(d.Options.TrustedProxies),
		instrument(d.Telemetry),
		requestID,
		nameByRoute,
		accessLog(d.Logger),
		recoverer(d.Logger),
		middleware.StripSlashes, // /utils/health-check/ and /utils/health-check are one route
		limitBody(d.Options.MaxBodyBytes),
	)
	if len(d.Options.CORSOrigins) > 0 {
		r.Use(cors.Handler(cors.Options{
			AllowedOrigins:   d.Options.CORSOrigins,
			AllowedMethods:   []string{"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"},
			AllowedHeaders:   []string{"Authorization", "Content-Type", "Idempotency-Key", "X-Request-Id"},
			ExposedHeaders:   []string{"Location", "X-Request-Id", "Retry-After"},
			AllowCredentials: true,
			MaxAge:           600,
		}))
	}
	mountDocs(r)
	mountResetPage(r)
	if d.Telemetry.Metrics != nil {
		r.Handle(metricsPath, d.Telemetry.Metrics)
	}
	humaAPI := humachi.New(r, HumaConfig())
	Register(humaAPI, d)
	r.NotFound(func(w http.ResponseWriter, _ *http.Request) { writeProblem(w, http.StatusNotFound) })
	r.MethodNotAllowed(func(w http.ResponseWriter, _ *http.Request) { writeProblem(w, http.StatusMethodNotAllowed) })
	return humaAPI
}

// roleScopesText lists each staff role's scopes, for the security scheme's description.
func roleScopesText() string {
	var parts []string
	for _, r := range access.Roles() {
		if r.Staff() {
			parts = append(parts, fmt.Sprintf("%s (%s)", r, strings.Join(access.Names(r.Scopes()), ", ")))
		}
	}
	return strings.Join(parts, ", ")
}

package main

import (
	"context"

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
	"github.com/acme/orders/internal/telemetry"
	"github.com/acme/orders/internal/temporalconn"
	"github.com/acme/orders/internal/upkeep"
	"github.com/acme/orders/workflows"
)

// The one place where the configuration becomes each package's options and
// the packages are plugged into each other.

func accountsOptions(c config.Config) accounts.Options {
	a := c.Accounts
	return accounts.Options{
		SecretKey: a.SecretKey, AccessTokenTTL: a.AccessTokenExpire, ResetTokenTTL: a.EmailResetTokenExpire,
		FrontendHost: a.FrontendHost, ProjectName: a.ProjectName, OpenRegistration: a.OpenRegistration,
	}
}

func ordersOptions(c config.Config) orders.Options {
	o := c.Orders
	return orders.Options{
		ApprovalThresholdCents: o.ApprovalThresholdCents, ApprovalTimeout: o.ApprovalTimeout, RetryInterval: o.WorkflowRetryInterval,
		Payment: orders.PaymentTimes{
			AuthorizationTTL: c.Payments.AuthorizationTTL, ReauthorizeBefore: c.Payments.ReauthorizeBefore, ReturnWindow: o.ReturnWindow,
		},
	}
}

func apiTelemetry(t *telemetry.Telemetry) api.Telemetry {
	return api.Telemetry{Tracer: t.Tracer, Meter: t.Meter, Metrics: t.Metrics}
}

func apiOptions(c config.Config) api.Options {
	a := c.Accounts
	return api.Options{
		MaxBodyBytes: c.HTTP.MaxBodyBytes, CORSOrigins: c.HTTP.CORSOrigins, TrustedProxies: c.HTTP.TrustedProxyPrefixes(),
		RateLimits: api.RateLimits{
			Login: a.RateLimitLogin, PasswordRecovery: a.RateLimitPasswordRecovery, Signup: a.RateLimitSignup, APIKey: a.RateLimitAPIKey,
		},
		StripeWebhookSecret: c.Payments.StripeWebhookSecret,
	}
}

func (d *deps) accounts(e env) *accounts.Service {
	return accounts.NewService(accounts.NewStore(d.store), d.workflows, accountsOptions(e.cfg), e.logger)
}

func (d *deps) orders(e env) *orders.Service {
	opts := ordersOptions(e.cfg)
	opts.Metrics, opts.Tracer = d.metrics, e.tel.Tracer
	return orders.NewService(orders.NewStore(d.store), catalog.NewStore(d.store), d.workflows, opts, e.logger)
}

// urlGuard checks webhook URLs as WEBHOOK_ALLOW_PRIVATE_URLS says.
func urlGuard(c config.Config) events.URLGuard {
	return events.URLGuard{AllowPrivate: c.Events.WebhookAllowPrivateURLs}
}

// apiDeps is what the API's handlers call; the event streams end when done
// closes.
func (d *deps) apiDeps(e env, ord *orders.Service, keys *apikeys.Service, done <-chan struct{}) api.Deps {
	opts := accountsOptions(e.cfg)
	opts.Cache = credentialCache[accounts.User](d, e)
	acc := accounts.NewService(accounts.NewStore(d.store), d.workflows, opts, e.logger)
	return api.Deps{
		Logger: e.logger, Auth: acc, Accounts: acc, Catalog: catalog.NewService(catalog.NewStore(d.store)), Orders: ord, Jobs: d.workflows,
		Events: d.events, Webhooks: events.NewEndpoints(d.events, urlGuard(e.cfg), d.workflows, e.logger), Done: done,
		Findings: upkeep.NewStore(d.store), Keys: keys, Audit: audit.NewLog(d.store),
		Checks: []api.Check{
			{Name: "postgres", Ping: d.store.Ping},
			{Name: "temporal", Ping: func(ctx context.Context) error { return temporalconn.Ping(ctx, d.temporal) }},
		},
		RateLog:   db.NewRateLog(d.store),
		Options:   apiOptions(e.cfg),
		Telemetry: apiTelemetry(e.tel),
	}
}

// credentialCacheSize bounds each credential cache: a full one starts over.
const credentialCacheSize = 100_000

// credentialCache is the API process's memory of the accounts or keys it
// verified, forgotten at every change's notification (nil:
// CREDENTIAL_CACHE_TTL=0, every request reads its credential).
func credentialCache[V any](d *deps, e env) *auth.Cache[V] {
	ttl := e.cfg.Accounts.CredentialCacheTTL
	if ttl <= 0 {
		return nil
	}
	c := auth.NewCache[V](ttl, credentialCacheSize, d.listener.Connected)
	d.listener.OnCredentialsChange(c.Forget)
	return c
}

// apiKeys is the key service, remembering the keys it verified; its Run
// writes their counted uses.
func (d *deps) apiKeys(e env) *apikeys.Service {
	return apikeys.NewService(d.store, credentialCache[apikeys.Live](d, e))
}

// newWorker is a worker on the task queue with every workflow and activity.
// The payment gateway is PAYMENT_PROVIDER's; the carrier is the simulated
// one, a real carrier plugs in behind the same interface.
func (d *deps) newWorker(e env) sdkworker.Worker {
	jobs := upkeep.NewStore(d.store)
	sdkworker.SetStickyWorkflowCacheSize(e.cfg.Temporal.WorkflowCacheSize)
	w := sdkworker.New(d.temporal, e.cfg.Temporal.TaskQueue, sdkworker.Options{})
	ev := e.cfg.Events
	workflows.Register(w)
	activities.Register(w, activities.Deps{
		Orders:      orders.NewStore(d.store),
		Stock:       catalog.NewStore(d.store),
		Payments:    paymentGateway(e.cfg.Payments),
		Carrier:     activities.SimulatedCarrier{},
		Mailer:      activities.NewSMTPMailer(e.cfg.SMTP),
		ProjectName: e.cfg.Accounts.ProjectName,
		Metrics:     d.metrics,
		Webhooks: activities.Webhooks{
			Store: d.events, Accounts: accounts.NewStore(d.store),
			Sender:  activities.NewWebhookSender(ev.WebhookTimeout, ev.WebhookAllowPrivateURLs),
			Policy:  events.Policy{Schedule: ev.WebhookRetrySchedule, DisableAfter: ev.WebhookDisableAfter},
			Metrics: d.eventMetrics, Tracer: e.tel.Tracer,
		},
		Upkeep: activities.Upkeep{
			Reconciler: upkeep.Reconciler{
				Store: jobs, Orders: orders.NewStore(d.store), Stock: catalog.NewStore(d.store),
				Workflows: d.workflows, Starter: d.orders(e), Logger: e.logger, Metrics: d.upkeepMetrics,
				Grace: e.cfg.Upkeep.ReconciliationGrace,
			},
			Store: jobs, Orders: orders.NewStore(d.store), Events: d.events, Accounts: accounts.NewStore(d.store),
			RateLog: db.NewRateLog(d.store), Audit: audit.NewLog(d.store),
		},
	})
	return w
}

// paymentGateway is the configured payment provider.
func paymentGateway(c config.Payments) activities.PaymentGateway {
	if c.Provider == "stripe" {
		return activities.NewStripeGateway(c.StripeSecretKey, c.StripeAPIBase, c.StripeTimeout)
	}
	return activities.NewSimulatedGateway()
}

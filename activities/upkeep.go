package activities

import (
	"context"
	"fmt"
	"time"

	"go.temporal.io/sdk/activity"

	"github.com/acme/orders/db"
	"github.com/acme/orders/internal/accounts"
	"github.com/acme/orders/internal/audit"
	"github.com/acme/orders/internal/emails"
	"github.com/acme/orders/internal/events"
	"github.com/acme/orders/internal/orders"
	"github.com/acme/orders/internal/upkeep"
)

// Upkeep runs the jobs the Schedules start: the reconciliation, the daily
// summary's e-mails, the clean-up.
type Upkeep struct {
	Reconciler upkeep.Reconciler // Progress is set per run
	Store      *upkeep.Store
	Orders     *orders.Store
	Events     *events.Store
	Accounts   *accounts.Store
	RateLog    *db.RateLog
	Audit      *audit.Log
}

// Reconcile runs one reconciliation, named after the workflow run that
// asked, heartbeating between pages.
func (u *Upkeep) Reconcile(ctx context.Context) (upkeep.Report, error) {
	info := activity.GetInfo(ctx)
	r := u.Reconciler
	r.Progress = func() { activity.RecordHeartbeat(ctx) }
	return r.Run(ctx, info.WorkflowExecution.ID+"/"+info.WorkflowExecution.RunID)
}

// SummaryEmails are the daily summary of the day before until, one e-mail
// per active admin; the workflow sends each.
func (u *Upkeep) SummaryEmails(ctx context.Context, until time.Time) ([]EmailRequest, error) {
	s, err := u.Store.Summary(ctx, until.Add(-24*time.Hour), until)
	if err != nil {
		return nil, err
	}
	to, err := u.Accounts.AdminEmails(ctx)
	if err != nil {
		return nil, err
	}
	data := emails.Data{Period: s.Since.UTC().Format("2006-01-02 15:04") + " to " + s.Until.UTC().Format("2006-01-02 15:04 MST"), Sections: summarySections(s)}
	out := make([]EmailRequest, len(to))
	for i, addr := range to {
		out[i] = EmailRequest{To: addr, Template: emails.DailySummary, Data: data}
	}
	return out, nil
}

func summarySections(s upkeep.Summary) []emails.Section {
	orders := emails.Section{Title: "Orders placed, by status now", Lines: []string{}}
	for _, c := range s.OrdersByStatus {
		orders.Lines = append(orders.Lines, fmt.Sprintf("%s: %d", c.Status, c.Orders))
	}
	money := func(title, what string, sums []upkeep.Money) emails.Section {
		sec := emails.Section{Title: title, Lines: []string{}}
		for _, m := range sums {
			sec.Lines = append(sec.Lines, fmt.Sprintf("%s (%d %s)", emails.Money(m.Cents, m.Currency), m.Count, what))
		}
		return sec
	}
	low := emails.Section{Title: "Products low on stock", Lines: []string{}}
	for _, p := range s.LowStock {
		low.Lines = append(low.Lines, fmt.Sprintf("%s %s: %d available (threshold %d)", p.SKU, p.Name, p.Available, p.Threshold))
	}
	return []emails.Section{orders, money("Revenue, captured as orders shipped", "orders", s.Revenue),
		money("Refunds", "refunds", s.Refunds), low}
}

// CleanUpInput is how long each kind of record is kept.
type CleanUpInput struct {
	IdempotencyKeys time.Duration `json:"idempotency_keys"` // IDEMPOTENCY_KEY_RETENTION
	Events          time.Duration `json:"events"`           // EVENT_RETENTION, with their deliveries
	Deliveries      time.Duration `json:"deliveries"`       // WEBHOOK_DELIVERY_RETENTION, once settled
	ProviderEvents  time.Duration `json:"provider_events"`  // the payment provider's events taken
	RateLimits      time.Duration `json:"rate_limits"`      // idle clients' rate-limit logs
	Findings        time.Duration `json:"findings"`         // RECONCILIATION_RETENTION
	AuditLog        time.Duration `json:"audit_log"`        // AUDIT_LOG_RETENTION; 0 (a schedule applied before it): kept
}

// CleanUp removes what is past its retention, a batch at a time, and
// returns how many of each it removed (cleared, for idempotency keys).
func (u *Upkeep) CleanUp(ctx context.Context, in CleanUpInput) (map[string]int64, error) {
	now := time.Now()
	out := map[string]int64{}
	for _, step := range []struct {
		name string
		keep time.Duration
		run  func(context.Context, time.Time) (int64, error)
	}{
		{"idempotency_keys", in.IdempotencyKeys, u.Orders.ClearIdempotencyKeys},
		{"events", in.Events, u.Events.Purge},
		{"deliveries", in.Deliveries, u.Events.PurgeSettledDeliveries},
		{"provider_events", in.ProviderEvents, u.Orders.PurgeProviderEvents},
		{"rate_limits", in.RateLimits, func(ctx context.Context, before time.Time) (int64, error) {
			return u.RateLog.Forget(ctx, now.Sub(before), 1000)
		}},
		{"findings", in.Findings, u.Store.PurgeFindings},
		{"audit_log", in.AuditLog, u.Audit.Purge},
	} {
		if step.keep <= 0 {
			continue // kept for ever
		}
		n, err := step.run(ctx, now.Add(-step.keep))
		if err != nil {
			return out, fmt.Errorf("clean up %s: %w", step.name, err)
		}
		out[step.name] = n
		activity.RecordHeartbeat(ctx, step.name)
	}
	return out, nil
}

package workflows_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/sdk/testsuite"

	"github.com/acme/orders/activities"
	"github.com/acme/orders/db"
	"github.com/acme/orders/internal/accounts"
	"github.com/acme/orders/internal/events"
	"github.com/acme/orders/internal/page"
	"github.com/acme/orders/internal/testenv"
	"github.com/acme/orders/workflows"
)

// mailbox is a Mailer that keeps what it is given.
type mailbox struct {
	mu   sync.Mutex
	sent []activities.Mail
}

func (m *mailbox) Send(_ context.Context, mail activities.Mail) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent = append(m.sent, mail)
	return nil
}

// An endpoint that never answers 2xx: its delivery is tried on the whole
// schedule (about 3 days) and then failed; a later event fails on until
// the endpoint has failed for WEBHOOK_DISABLE_AFTER, when it is disabled,
// what it was still to get abandoned, the superusers e-mailed and the
// workflow ended. The real pump runs against PostgreSQL and a real
// receiver; the test suite skips the days in between.
func TestWebhookEndpointRetriesOnScheduleThenDisables(t *testing.T) {
	if testing.Short() {
		t.Skip("needs PostgreSQL")
	}
	pool, _ := testenv.NewPool(t)
	store := db.NewStore(pool)
	ev := events.NewStore(store, nil)
	var hits sync.Map
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Store(uuid.New(), r.Header.Get("webhook-id"))
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer receiver.Close()
	ctx := t.Context()
	admin, err := store.Q().CreateUser(ctx, db.CreateUserParams{Email: "ops@example.com", PasswordHash: "x", IsActive: true, Role: "admin"})
	if err != nil {
		t.Fatal(err)
	}
	ep, err := events.NewEndpoints(ev, events.URLGuard{AllowPrivate: true}, noWake{}, nil).
		Create(ctx, events.NewEndpoint{URL: receiver.URL, Enabled: true})
	if err != nil {
		t.Fatal(err)
	}
	order := uuid.New()
	if _, err := pool.Exec(ctx, `INSERT INTO orders (id, customer_id, currency, total_cents, shipping_address, payment_token, idempotency_key, request_hash)
		VALUES ($1, $2, 'EUR', 100, '{}', 'tok', 'k', 'h')`, order, admin.ID); err != nil {
		t.Fatal(err)
	}
	record := func(typ string) {
		if err := store.InTx(ctx, func(q *db.Queries) error { return events.Record(ctx, q, typ, order, map[string]string{"status": typ}) }); err != nil {
			t.Error(err)
		}
	}
	record("order.placed")

	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	env.SetTestTimeout(2 * time.Minute)
	mail := &mailbox{}
	policy := events.Policy{Schedule: events.DefaultSchedule, DisableAfter: 120 * time.Hour}
	env.RegisterActivity(&activities.Webhooks{
		Store: ev, Accounts: accounts.NewStore(store), Policy: policy, Sender: activities.NewWebhookSender(5*time.Second, true),
	})
	env.RegisterActivity(&activities.Emails{Mailer: mail, ProjectName: "Shop"})
	start := env.Now()
	// Day 4: the first delivery has failed for good; a new event comes.
	env.RegisterDelayedCallback(func() {
		record("order.confirmed")
		env.SignalWorkflow(workflows.WakeSignal, nil)
	}, 96*time.Hour)
	env.ExecuteWorkflow(workflows.WebhookEndpoint, workflows.WebhookEndpointInput{EndpointID: ep.ID, Linger: time.Millisecond})
	if !env.IsWorkflowCompleted() || env.GetWorkflowError() != nil {
		t.Fatalf("workflow completed %v: %v", env.IsWorkflowCompleted(), env.GetWorkflowError())
	}

	found, _, err := ev.Deliveries(ctx, ep.ID, events.DeliveryFilter{Page: pageOf(10)})
	ds := found.Items
	if err != nil || len(ds) != 2 {
		t.Fatalf("deliveries %+v %v", ds, err)
	}
	first, second := ds[1], ds[0] // newest first
	if first.State != events.DeliveryFailed || len(first.Attempts) != len(events.DefaultSchedule)+1 {
		t.Fatalf("the first delivery: %s after %d attempts", first.State, len(first.Attempts))
	}
	if d := first.Attempts[0].At.Sub(start); d < 0 || d > time.Minute {
		t.Errorf("first attempt %s after the start", d)
	}
	for i, wait := range events.DefaultSchedule {
		got := first.Attempts[i+1].At.Sub(first.Attempts[i].At)
		if got < wait*9/10 || got > wait*11/10+time.Second {
			t.Errorf("retry %d came %s after the attempt before, want %s ±10%%", i+1, got, wait)
		}
		if first.Attempts[i].StatusCode != http.StatusServiceUnavailable {
			t.Errorf("attempt %d: %+v", i+1, first.Attempts[i])
		}
	}
	if second.State != events.DeliveryAbandoned {
		t.Errorf("the second delivery is %s, want abandoned with its endpoint", second.State)
	}
	last := second.Attempts[len(second.Attempts)-1].At
	if since := last.Sub(first.Attempts[0].At); since < policy.DisableAfter {
		t.Errorf("disabled after failing %s, want at least %s", since, policy.DisableAfter)
	}
	got, err := ev.Endpoint(ctx, ep.ID)
	if err != nil || got.Enabled || !strings.Contains(got.DisabledReason, "every delivery failed since") {
		t.Errorf("endpoint %+v (%v)", got, err)
	}
	mail.mu.Lock()
	defer mail.mu.Unlock()
	if len(mail.sent) != 1 || mail.sent[0].To != admin.Email || !strings.Contains(mail.sent[0].Text, receiver.URL) {
		t.Errorf("e-mails %+v", mail.sent)
	}
	n := 0
	hits.Range(func(any, any) bool { n++; return true })
	if n != len(first.Attempts)+len(second.Attempts) {
		t.Errorf("the receiver got %d requests, the log has %d attempts", n, len(first.Attempts)+len(second.Attempts))
	}
}

type noWake struct{}

func (noWake) WakeEndpoint(context.Context, uuid.UUID) error { return nil }

func pageOf(limit int32) page.Request { return page.Request{Limit: limit} }

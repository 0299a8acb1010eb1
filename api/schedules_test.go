package api_test

import (
	"context"
	"fmt"
	"net/http"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	enums "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"

	"github.com/acme/orders/activities"
	"github.com/acme/orders/internal/testenv"
	"github.com/acme/orders/workflowclient"
	"github.com/acme/orders/workflows"
)

type finding struct {
	Kind     string `json:"kind"`
	OrderID  string `json:"order_id"`
	Detail   string `json:"detail"`
	Repaired bool   `json:"repaired"`
}

// applySchedules applies the platform's schedules twice (the second
// changes nothing) and checks each one's policies.
func (p *platform) applySchedules(cleanUp activities.CleanUpInput) {
	p.t.Helper()
	wf := workflowclient.NewClient(p.client, workflowclient.ClientOptions{TaskQueue: p.queue})
	for range 2 {
		if err := wf.ApplySchedules(p.ctx(), workflowclient.Schedules(cleanUp)); err != nil {
			p.t.Fatal(err)
		}
	}
	for _, id := range []string{workflows.ReconcileSchedule, workflows.SummarySchedule, workflows.CleanUpSchedule} {
		d, err := p.client.ScheduleClient().GetHandle(p.ctx(), id).Describe(p.ctx())
		if err != nil {
			p.t.Fatalf("schedule %s: %v", id, err)
		}
		if pol := d.Schedule.Policy; pol.Overlap != enums.SCHEDULE_OVERLAP_POLICY_SKIP || pol.CatchupWindow < time.Hour {
			p.t.Fatalf("schedule %s: policies %+v", id, pol)
		}
	}
}

// trigger runs the schedule now, as an operator does, and waits for the
// run it starts to complete, returning its result into out.
func (p *platform) trigger(scheduleID, workflowType string, out any) {
	p.t.Helper()
	cmd := exec.Command("bin/temporal", "schedule", "trigger", "--schedule-id", scheduleID, "--address", p.temporal.HostPort())
	cmd.Dir = testenv.RepoRoot(p.t)
	if b, err := cmd.CombinedOutput(); err != nil {
		p.t.Fatalf("trigger %s: %v\n%s", scheduleID, err, b)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := p.client.ListWorkflow(p.ctx(), &workflowservice.ListWorkflowExecutionsRequest{
			Query: fmt.Sprintf("WorkflowType = '%s' AND TaskQueue = '%s'", workflowType, p.queue),
		})
		if err != nil {
			p.t.Fatal(err)
		}
		if runs := resp.GetExecutions(); len(runs) > 0 {
			run := p.client.GetWorkflow(p.ctx(), runs[0].GetExecution().GetWorkflowId(), runs[0].GetExecution().GetRunId())
			ctx, cancel := context.WithTimeout(p.ctx(), time.Until(deadline))
			defer cancel()
			if err := run.Get(ctx, out); err != nil {
				p.t.Fatalf("%s: %v", workflowType, err)
			}
			return
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("no %s run within 60s of the trigger", workflowType)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (p *platform) exec(sql string, args ...any) {
	p.t.Helper()
	if _, err := p.pool.Exec(p.ctx(), sql, args...); err != nil {
		p.t.Fatalf("%s: %v", sql, err)
	}
}

// TestReconciliationFindsAndRepairs seeds one inconsistency of each kind,
// triggers the reconciliation schedule, and finds each listed, the safe
// ones repaired: the workflow never started runs, the stock a cancelled
// order held again is released, its lapsed authorization is recorded voided.
func TestReconciliationFindsAndRepairs(t *testing.T) {
	t.Parallel()
	// A Temporal server of its own: the schedules' IDs are the namespace's.
	p := newPlatform(t, func(s *settings) { s.noRelay, s.ownTemporal = true, true })
	p.applySchedules(activities.CleanUpInput{})
	mug := p.newProduct(1000, "EUR", 10)
	_, token := p.newUser(false, true)

	_, mismatched := p.place(token, orderBody("tok_approve", line(mug.ID, 1)))
	p.waitStatus(token, mismatched.ID, "confirmed")
	p.exec(`UPDATE orders SET status = 'awaiting_approval' WHERE id = $1`, mismatched.ID)
	p.exec(`UPDATE payments SET expires_at = now() - interval '1 hour' WHERE order_id = $1`, mismatched.ID)

	_, cancelled := p.place(token, orderBody("tok_approve", line(mug.ID, 2)))
	p.waitStatus(token, cancelled.ID, "confirmed")
	if code, _ := p.act(token, cancelled.ID, "cancel"); code != http.StatusOK {
		t.Fatalf("cancel: %d", code)
	}
	// As if its release and its void were lost.
	p.exec(`UPDATE stock_reservations SET state = 'held' WHERE order_id = $1`, cancelled.ID)
	p.exec(`UPDATE inventory SET reserved = reserved + 2 WHERE product_id = $1`, mug.ID)
	p.exec(`UPDATE payments SET status = 'authorized', expires_at = now() - interval '1 hour' WHERE order_id = $1`, cancelled.ID)

	// Accepted while nothing could start it.
	unstarted := "6f9619ff-8b86-4d11-b42d-00c04fc964ff"
	p.exec(`INSERT INTO orders (id, customer_id, currency, total_cents, shipping_address, payment_token, idempotency_key, request_hash, created_at)
		SELECT $1, customer_id, currency, total_cents, shipping_address, payment_token, 'seeded', request_hash, now() - interval '1 hour'
		FROM orders WHERE id = $2`, unstarted, mismatched.ID)
	p.exec(`INSERT INTO order_lines (order_id, line_no, product_id, sku, name, unit_price_cents, quantity)
		SELECT $1, line_no, product_id, sku, name, unit_price_cents, quantity FROM order_lines WHERE order_id = $2`, unstarted, mismatched.ID)

	var report struct {
		Found    map[string]int64
		Repaired map[string]int64
	}
	p.trigger(workflows.ReconcileSchedule, workflows.ReconcileName, &report)
	var list struct{ Data []finding }
	if code := p.do(http.MethodGet, "/api/v1/utils/reconciliation?limit=100", p.admin, nil, &list); code != http.StatusOK {
		t.Fatalf("findings: %d", code)
	}
	got := []string{}
	for _, f := range list.Data {
		got = append(got, fmt.Sprintf("%s %s repaired=%v", f.Kind, f.OrderID, f.Repaired))
	}
	slices.Sort(got)
	want := []string{
		"authorization_lapsed " + cancelled.ID + " repaired=true",
		"authorization_lapsed " + mismatched.ID + " repaired=false",
		"never_started " + unstarted + " repaired=true",
		"reservation_held " + cancelled.ID + " repaired=true",
		"status_mismatch " + mismatched.ID + " repaired=false",
	}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("findings:\n  got  %s\n  want %s\n(report %+v)", strings.Join(got, "\n       "), strings.Join(want, "\n       "), report)
	}
	if report.Found["never_started"] != 1 || report.Repaired["reservation_held"] != 1 {
		t.Fatalf("report %+v", report)
	}
	p.waitStatus(token, unstarted, "confirmed")    // its workflow runs
	if pr := p.product(mug.ID); pr.Reserved != 2 { // a mug each for the mismatched and the started; the cancelled's released
		t.Fatalf("reserved after the repair: %d, want 2", pr.Reserved)
	}
	var only struct{ Data []finding }
	p.do(http.MethodGet, "/api/v1/utils/reconciliation?kind=status_mismatch", p.admin, nil, &only)
	if len(only.Data) != 1 || !strings.Contains(only.Data[0].Detail, "order is awaiting_approval; its workflow says confirmed") {
		t.Fatalf("status mismatches: %+v", only.Data)
	}
	if code := p.do(http.MethodGet, "/api/v1/utils/reconciliation", token, nil, nil); code != http.StatusForbidden {
		t.Fatalf("a customer reads the findings: %d", code)
	}
}

// TestDailySummaryAndCleanUp: the daily summary e-mails the superusers the
// day's orders and the products low on stock; the clean-up removes what is
// past its retention and keeps the rest.
func TestDailySummaryAndCleanUp(t *testing.T) {
	t.Parallel()
	p := newPlatform(t, func(s *settings) { s.ownTemporal = true })
	p.applySchedules(activities.CleanUpInput{
		IdempotencyKeys: 24 * time.Hour, Events: 720 * time.Hour, Deliveries: 168 * time.Hour,
		ProviderEvents: 720 * time.Hour, RateLimits: 24 * time.Hour, Findings: 720 * time.Hour, AuditLog: 8760 * time.Hour,
	})
	ops, _ := p.newUser(true, true)
	mug := p.newProduct(1000, "EUR", 3)
	if code := p.do(http.MethodPatch, "/api/v1/products/"+mug.ID, p.admin, map[string]any{"low_stock_threshold": 2}, nil); code != http.StatusOK {
		t.Fatalf("set the threshold: %d", code)
	}
	_, token := p.newUser(false, true)
	_, old := p.place(token, orderBody("tok_approve", line(mug.ID, 1)))
	_, recent := p.place(token, orderBody("tok_approve", line(mug.ID, 1)))
	p.waitStatus(token, old.ID, "confirmed")
	p.waitStatus(token, recent.ID, "confirmed")

	var sent int
	p.trigger(workflows.SummarySchedule, workflows.DailySummaryName, &sent)
	msg := p.mail.WaitForMessage(t, ops.Email, "Daily summary", 30*time.Second)
	for _, want := range []string{"confirmed: 2", "Products low on stock", mug.SKU + " " + mug.Name + ": 1 available (threshold 2)"} {
		if !strings.Contains(msg.Text, want) {
			t.Fatalf("the summary lacks %q:\n%s", want, msg.Text)
		}
	}

	// Past their retention: the old order's key, an event, a provider
	// event, a rate-limit log, a finding, an audit record (the admin's
	// actions above are recent, and stay).
	p.exec(`UPDATE orders SET created_at = now() - interval '2 days' WHERE id = $1`, old.ID)
	p.exec(`UPDATE events SET created_at = now() - interval '31 days' WHERE order_id = $1 AND type = 'order.placed'`, old.ID)
	p.exec(`INSERT INTO provider_events (id, provider, type, received_at) VALUES ('evt_old', 'stripe', 'refund.created', now() - interval '31 days'), ('evt_new', 'stripe', 'refund.created', now())`)
	p.exec(`INSERT INTO rate_limit_attempts (bucket, client, attempts) VALUES ('signup', '192.0.2.9', ARRAY[now() - interval '2 days'])`)
	p.exec(`INSERT INTO reconciliation_findings (run_id, kind, order_id, detail, repaired, found_at) VALUES ('seeded', 'never_started', $1, 'old', true, now() - interval '31 days')`, old.ID)
	p.exec(`INSERT INTO audit_log (id, at, actor_type, actor_id, actor, action, method, path, status, client_address, request_id)
		VALUES ($1, now() - interval '366 days', 'user', $1, 'gone@example.com', 'cancel-order', 'POST', '/x', 200, '192.0.2.1', 'r')`, uuid.New())
	var removed map[string]int64
	p.trigger(workflows.CleanUpSchedule, workflows.CleanUpName, &removed)
	if removed["idempotency_keys"] != 1 || removed["events"] != 1 || removed["provider_events"] != 1 || removed["rate_limits"] != 1 ||
		removed["findings"] != 1 || removed["audit_log"] != 1 {
		t.Fatalf("cleaned up %v", removed)
	}
	var audited int
	if err := p.pool.QueryRow(p.ctx(), `SELECT count(*) FROM audit_log`).Scan(&audited); err != nil || audited == 0 {
		t.Fatalf("the recent audit records went too: %d %v", audited, err)
	}
	var keys []string
	rows, _ := p.pool.Query(p.ctx(), `SELECT coalesce(idempotency_key, 'cleared') FROM orders WHERE id IN ($1, $2) ORDER BY created_at`, old.ID, recent.ID)
	for rows.Next() {
		var k string
		_ = rows.Scan(&k)
		keys = append(keys, k)
	}
	if len(keys) != 2 || keys[0] != "cleared" || keys[1] == "cleared" {
		t.Fatalf("idempotency keys after the clean-up: %v", keys)
	}
}

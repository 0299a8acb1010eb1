package workflows_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/temporalproto"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/acme/orders/activities"
	"github.com/acme/orders/internal/emails"
	"github.com/acme/orders/internal/orders"
	"github.com/acme/orders/workflows"
)

// scenarios are the paths the workflows can take, run live; each returns
// the ID of the workflow it ran (with "@run" when the run to record is not
// the last). Their histories are what the replay test
// replays: `make histories` records those missing from testdata/<release>/.
var scenarios = map[string]func(l *live) string{
	"order_delivered": func(l *live) string {
		id := l.start(order{total: 5_000})
		l.waitFor(id, orders.StatusConfirmed)
		l.must(id, orders.ActionShip)
		l.must(id, orders.ActionDeliver)
		if st := l.finish(id, orders.StatusDelivered); st.ConfirmationEmail != workflows.EmailSent || !st.PaymentCaptured {
			l.t.Fatalf("delivered: %+v", st)
		}
		return workflows.OrderWorkflowID(id)
	},
	"order_delivered_without_relay": func(l *live) string {
		id := l.start(order{total: 5_000, silent: true})
		l.waitFor(id, orders.StatusConfirmed)
		l.must(id, orders.ActionShip)
		l.must(id, orders.ActionDeliver)
		if st := l.finish(id, orders.StatusDelivered); st.ConfirmationEmail != workflows.EmailSkipped {
			l.t.Fatalf("no relay, yet the e-mail is %q", st.ConfirmationEmail)
		}
		return workflows.OrderWorkflowID(id)
	},
	"order_approved": func(l *live) string {
		id := l.start(order{total: 500_000})
		l.waitFor(id, orders.StatusAwaitingApproval)
		l.must(id, orders.ActionApprove)
		l.must(id, orders.ActionShip)
		l.must(id, orders.ActionDeliver)
		l.finish(id, orders.StatusDelivered)
		return workflows.OrderWorkflowID(id)
	},
	"order_rejected": func(l *live) string {
		id := l.start(order{total: 500_000})
		l.waitFor(id, orders.StatusAwaitingApproval)
		l.must(id, orders.ActionReject)
		l.wantReason(l.finish(id, orders.StatusCancelled), "rejected by an operator")
		return workflows.OrderWorkflowID(id)
	},
	"order_approval_timed_out": func(l *live) string {
		id := l.start(order{total: 500_000, timeout: time.Second})
		l.wantReason(l.finish(id, orders.StatusCancelled), "approval timed out after 1s")
		return workflows.OrderWorkflowID(id)
	},
	"order_cancelled_pending": func(l *live) string {
		id, release := l.bringTo(orders.StatusPending)
		if done, err := l.ask(id, orders.ActionCancel, 0); err != nil || done {
			l.t.Fatalf("cancel while reserving: done %v, %v", done, err)
		}
		release()
		if st := l.finish(id, orders.StatusCancelled); st.StockReserved {
			l.t.Fatalf("cancelled holding stock: %+v", st)
		}
		return workflows.OrderWorkflowID(id)
	},
	"order_cancel_lost_to_out_of_stock": func(l *live) string {
		id, release := l.bringTo(orders.StatusPending)
		l.stubs.fail(id, "ReserveStock", activities.ErrTypeOutOfStock, "out of stock: Mug (MUG), 5 wanted")
		cancel, err := l.client.UpdateWorkflow(l.t.Context(), client.UpdateWorkflowOptions{
			WorkflowID: workflows.OrderWorkflowID(id), UpdateName: workflows.UpdateCancel,
			Args: []any{workflows.ActionInput{Actor: "ann@example.com"}}, WaitForStage: client.WorkflowUpdateStageAccepted,
		})
		if err != nil {
			l.t.Fatalf("cancel while reserving: %v", err)
		}
		release()
		var refused *temporal.ApplicationError
		if err := cancel.Get(l.t.Context(), nil); !errors.As(err, &refused) || refused.Message() != "order became failed before the cancel could run" {
			l.t.Fatalf("the cancel's answer: %v", err)
		}
		l.finish(id, orders.StatusFailed)
		return workflows.OrderWorkflowID(id)
	},
	"order_cancelled_awaiting_approval": func(l *live) string {
		id := l.start(order{total: 500_000})
		l.waitFor(id, orders.StatusAwaitingApproval)
		l.must(id, orders.ActionCancel)
		l.finish(id, orders.StatusCancelled)
		return workflows.OrderWorkflowID(id)
	},
	"order_cancelled_confirmed": func(l *live) string {
		id := l.start(order{total: 5_000})
		l.waitFor(id, orders.StatusConfirmed)
		l.must(id, orders.ActionCancel)
		if st := l.finish(id, orders.StatusCancelled); st.PaymentAuthorized || st.ShipmentRequested || st.StockReserved {
			l.t.Fatalf("cancelled holding something: %+v", st)
		}
		return workflows.OrderWorkflowID(id)
	},
	"order_out_of_stock": func(l *live) string {
		id := uuid.New()
		l.stubs.fail(id, "ReserveStock", activities.ErrTypeOutOfStock, "out of stock: Mug (MUG), 5 wanted")
		l.start(order{id: id, total: 5_000})
		l.wantReason(l.finish(id, orders.StatusFailed), "out of stock: Mug (MUG), 5 wanted")
		return workflows.OrderWorkflowID(id)
	},
	"order_declined": func(l *live) string {
		id := uuid.New()
		l.stubs.fail(id, "ConfirmOrder", activities.ErrTypePaymentDeclined, "payment declined")
		l.start(order{id: id, total: 5_000})
		l.wantReason(l.finish(id, orders.StatusFailed), "payment declined")
		return workflows.OrderWorkflowID(id)
	},
	"order_transient_payment": func(l *live) string {
		id := uuid.New()
		l.stubs.mu.Lock()
		l.stubs.flaky[id] = 2
		l.stubs.mu.Unlock()
		l.start(order{id: id, total: 5_000})
		l.waitFor(id, orders.StatusConfirmed)
		l.must(id, orders.ActionCancel)
		l.finish(id, orders.StatusCancelled)
		return workflows.OrderWorkflowID(id)
	},
	"order_signals": func(l *live) string {
		id := l.start(order{total: 500_000})
		l.waitFor(id, orders.StatusAwaitingApproval)
		l.signal(id, workflows.SignalDelivered) // not shipped: ignored
		l.signal(id, workflows.SignalApproved)
		l.waitFor(id, orders.StatusConfirmed)
		l.signal(id, workflows.SignalShipped)
		l.waitFor(id, orders.StatusShipped)
		l.signal(id, workflows.SignalDelivered)
		l.finish(id, orders.StatusDelivered)
		return workflows.OrderWorkflowID(id)
	},
	"order_workflow_cancelled": func(l *live) string {
		id := l.start(order{total: 5_000})
		l.waitFor(id, orders.StatusConfirmed)
		if err := l.client.CancelWorkflow(l.t.Context(), workflows.OrderWorkflowID(id), ""); err != nil {
			l.t.Fatal(err)
		}
		var canceled *temporal.CanceledError
		if st, err := l.result(id); !errors.As(err, &canceled) {
			l.t.Fatalf("workflow cancel: %+v %v", st, err)
		}
		return workflows.OrderWorkflowID(id)
	},
	"order_delivered_after_workflow_cancel": func(l *live) string {
		id := l.start(order{total: 5_000})
		l.waitFor(id, orders.StatusConfirmed)
		l.must(id, orders.ActionShip)
		if err := l.client.CancelWorkflow(l.t.Context(), workflows.OrderWorkflowID(id), ""); err != nil {
			l.t.Fatal(err)
		}
		l.must(id, orders.ActionDeliver) // past shipping, the cancel is not honoured
		l.finish(id, orders.StatusDelivered)
		return workflows.OrderWorkflowID(id)
	},
	"order_refunded": func(l *live) string {
		id := l.start(order{total: stubCaptured, payment: orders.PaymentTimes{ReturnWindow: 10 * time.Second}})
		l.waitFor(id, orders.StatusConfirmed)
		var refused *orders.RejectedError
		if err := l.refund(id, 1_000); !errors.As(err, &refused) {
			l.t.Fatalf("refund before shipping: %v", err)
		}
		if _, err := l.orders.Act(l.t.Context(), orders.ActRequest{OrderID: id, Action: orders.ActionShip, Actor: "ops@example.com",
			Shipment: &orders.ShipmentDetails{Carrier: "DHL", TrackingNumber: "00340434161094042557"}, Wait: 30 * time.Second}); err != nil {
			l.t.Fatal(err)
		}
		if err := l.refund(id, 1_000); err != nil {
			l.t.Fatalf("refund of a shipped order: %v", err)
		}
		l.must(id, orders.ActionDeliver)
		if err := l.refund(id, 5_000); !errors.As(err, &refused) || refused.Reason != "the refund exceeds what is left to refund" {
			l.t.Fatalf("refund beyond the capture: %v", err)
		}
		if err := l.refund(id, 4_000); err != nil {
			l.t.Fatalf("refund of the rest, in the return window: %v", err)
		}
		l.finish(id, orders.StatusDelivered) // when the window ends
		return workflows.OrderWorkflowID(id)
	},
	"order_refund_retried": func(l *live) string {
		id := l.start(order{total: stubCaptured})
		l.waitFor(id, orders.StatusConfirmed)
		l.must(id, orders.ActionShip)
		l.stubs.mu.Lock()
		l.stubs.flaky[id] = 2
		l.stubs.mu.Unlock()
		if err := l.refund(id, 2_500); err != nil {
			l.t.Fatalf("refund retried: %v", err)
		}
		l.must(id, orders.ActionDeliver)
		l.finish(id, orders.StatusDelivered)
		return workflows.OrderWorkflowID(id)
	},
	"order_returned": func(l *live) string {
		id := l.start(order{total: stubCaptured, payment: orders.PaymentTimes{ReturnWindow: time.Minute}})
		l.waitFor(id, orders.StatusConfirmed)
		l.must(id, orders.ActionShip)
		l.must(id, orders.ActionDeliver)
		first, rejected, second := uuid.New(), uuid.New(), uuid.New()
		l.returnStep(id, first, "", line(1, 2))
		l.returnStep(id, first, orders.ReturnApprove)
		l.returnStep(id, rejected, "", line(2, 1))
		l.returnStep(id, rejected, orders.ReturnReject)
		l.returnStep(id, second, "", line(2, 1))
		l.returnStep(id, second, orders.ReturnApprove)
		l.returnStep(id, first, orders.ReturnReceive)
		if err := l.client.SignalWorkflow(l.t.Context(), workflows.OrderWorkflowID(id), "", workflows.SignalReturnReceived,
			workflows.ReturnStepInput{ReturnID: second, Actor: "carrier"}); err != nil {
			l.t.Fatal(err)
		}
		l.finish(id, orders.StatusReturned)
		return workflows.OrderWorkflowID(id)
	},
	"order_returns_continued_as_new": func(l *live) string {
		id := l.start(order{total: stubCaptured, payment: orders.PaymentTimes{ReturnWindow: time.Minute}, historyLimit: 40})
		l.waitFor(id, orders.StatusConfirmed)
		l.must(id, orders.ActionShip)
		l.must(id, orders.ActionDeliver)
		first := uuid.New()
		l.returnStep(id, first, "", line(1, 1))
		l.returnStep(id, first, orders.ReturnApprove)
		l.returnStep(id, first, orders.ReturnReceive) // past 40 events: the run continues as new
		second := uuid.New()
		l.returnStep(id, second, "", line(1, 1), line(2, 1))
		l.returnStep(id, second, orders.ReturnApprove)
		l.returnStep(id, second, orders.ReturnReceive)
		l.finish(id, orders.StatusReturned)
		last, err := l.client.DescribeWorkflow(l.t.Context(), workflows.OrderWorkflowID(id), "")
		if err != nil {
			l.t.Fatal(err)
		}
		info := last.RawResponse.GetWorkflowExecutionInfo()
		if info.GetFirstRunId() == info.GetExecution().GetRunId() {
			l.t.Fatalf("the order's workflow did not continue as new")
		}
		// The first run's history, which continues as new (the next run's
		// path, from Resume, is the end of order_returned's).
		return workflows.OrderWorkflowID(id) + "@" + info.GetFirstRunId()
	},
	"order_reauthorized": func(l *live) string {
		id := l.start(order{total: stubCaptured, payment: orders.PaymentTimes{AuthorizationTTL: 10 * time.Second, ReauthorizeBefore: 2 * time.Second}})
		deadline := time.Now().Add(30 * time.Second)
		for st, err := l.state(id); err != nil || !st.PaymentReauthorized; st, err = l.state(id) {
			if time.Now().After(deadline) {
				l.t.Fatalf("not renewed in 30s: %+v %v", st, err)
			}
			time.Sleep(20 * time.Millisecond)
		}
		l.must(id, orders.ActionShip) // within the renewal's 8s
		l.must(id, orders.ActionDeliver)
		l.finish(id, orders.StatusDelivered)
		return workflows.OrderWorkflowID(id)
	},
	"order_reauthorization_declined": func(l *live) string {
		id := uuid.New()
		l.stubs.fail(id, "ReauthorizePayment", activities.ErrTypePaymentDeclined, "payment declined")
		l.start(order{id: id, total: stubCaptured, payment: orders.PaymentTimes{AuthorizationTTL: 2 * time.Second, ReauthorizeBefore: time.Second}})
		st := l.finish(id, orders.StatusCancelled)
		l.wantReason(st, "the payment authorization lapsed and its renewal was declined")
		if st.PaymentAuthorized || st.StockReserved || st.ShipmentRequested {
			l.t.Fatalf("cancelled holding something: %+v", st)
		}
		return workflows.OrderWorkflowID(id)
	},
	"order_authorization_lapsed": func(l *live) string {
		id := l.start(order{total: stubCaptured, payment: orders.PaymentTimes{AuthorizationTTL: 2 * time.Second, ReauthorizeBefore: time.Second}})
		l.wantReason(l.finish(id, orders.StatusCancelled), "the payment authorization lapsed before the order shipped")
		return workflows.OrderWorkflowID(id)
	},
	"email": func(l *live) string {
		id, err := l.orders.SendEmail(l.t.Context(), "ann@example.com", emails.TestEmail, emails.Data{})
		if err != nil {
			l.t.Fatal(err)
		}
		if err := l.client.GetWorkflow(l.t.Context(), id, "").Get(l.t.Context(), nil); err != nil {
			l.t.Fatal(err)
		}
		return id
	},
	"webhook_endpoint_disabled": func(l *live) string {
		id := uuid.New()
		due := time.Now().Add(time.Second)
		l.hooks.script(id,
			activities.PumpResult{Idle: true, NextDue: &due}, // the start's wake-up is pending: no sleep
			activities.PumpResult{Idle: true, NextDue: &due}, // a retry due: a timer
			activities.PumpResult{Idle: true},                // nothing pending: asleep until woken
			activities.PumpResult{Disabled: true, DisabledNow: true, Reason: "the endpoint answered 410 Gone"})
		if err := l.orders.WakeEndpoint(l.t.Context(), id); err != nil { // starts it
			l.t.Fatal(err)
		}
		deadline := time.Now().Add(20 * time.Second)
		for l.hooks.pumped(id) < 3 {
			if time.Now().After(deadline) {
				l.t.Fatalf("%d pumps in 20s, want 3", l.hooks.pumped(id))
			}
			time.Sleep(20 * time.Millisecond)
		}
		if err := l.orders.WakeEndpoint(l.t.Context(), id); err != nil { // a delivery committed
			l.t.Fatal(err)
		}
		if err := l.client.GetWorkflow(l.t.Context(), workflows.WebhookEndpointID(id), "").Get(l.t.Context(), nil); err != nil {
			l.t.Fatal(err)
		}
		if n := l.hooks.pumped(id); n != 4 {
			l.t.Fatalf("%d pumps, want 4", n)
		}
		return workflows.WebhookEndpointID(id)
	},
	"purge_events": func(l *live) string {
		run, err := l.client.ExecuteWorkflow(l.t.Context(), client.StartWorkflowOptions{ID: "purge-events-" + uuid.NewString(), TaskQueue: l.queue},
			workflows.PurgeEventsName, 720*time.Hour)
		if err != nil {
			l.t.Fatal(err)
		}
		var n int64
		if err := run.Get(l.t.Context(), &n); err != nil || n != 3 {
			l.t.Fatalf("purged %d: %v", n, err)
		}
		return run.GetID()
	},
	"test_workflow": func(l *live) string {
		id, _, err := l.orders.StartTestWorkflow(l.t.Context(), "hello")
		if err != nil {
			l.t.Fatal(err)
		}
		var out workflows.TestWorkflowResult
		if err := l.client.GetWorkflow(l.t.Context(), id, "").Get(l.t.Context(), &out); err != nil || out.Reply != "test task return hello" {
			l.t.Fatalf("test workflow: %+v %v", out, err)
		}
		return id
	},
}

// historyRelease names the workflow code the scenarios record now: 1.0 is
// the baseline. A workflow change goes behind workflow.GetVersion and bumps
// it, so that the scenarios record the new code into testdata/<release>/
// beside the histories of every earlier release, which are never recorded
// again: they stand for the workflows already running when the code changes.
const historyRelease = "1.4"

// TestScenarios runs every scenario live; with RECORD_HISTORIES set
// (`make histories`) it records the history of each one this release lacks.
func TestScenarios(t *testing.T) {
	l := newLive(t)
	for name, scenario := range scenarios {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			l := *l
			l.t = t
			id := scenario(&l)
			if os.Getenv("RECORD_HISTORIES") != "" {
				l.record(name, id)
			}
		})
	}
}

func (l *live) wantReason(st workflows.OrderState, want string) {
	l.t.Helper()
	if st.Reason != want {
		l.t.Fatalf("reason %q, want %q", st.Reason, want)
	}
}

// record writes the closed workflow's history to
// testdata/<release>/<name>.json, unless it is there.
func (l *live) record(name, workflowID string) {
	l.t.Helper()
	path := filepath.Join("testdata", historyRelease, name+".json")
	if _, err := os.Stat(path); err == nil {
		return
	}
	var events []*historypb.HistoryEvent
	workflowID, runID, _ := strings.Cut(workflowID, "@") // a run other than the last
	it := l.client.GetWorkflowHistory(l.t.Context(), workflowID, runID, false, 0)
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			l.t.Fatal(err)
		}
		events = append(events, e)
	}
	out, err := temporalproto.CustomJSONMarshalOptions{Indent: "  "}.Marshal(&historypb.History{Events: events})
	if err != nil {
		l.t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil { // a new release's first
		l.t.Fatal(err)
	}
	if err := os.WriteFile(path, append(out, '\n'), 0o644); err != nil {
		l.t.Fatal(err)
	}
	l.t.Logf("recorded %s (%d events)", path, len(events))
}

// TestEveryScenarioHasAHistory: a scenario added without its recording
// would leave its path unguarded by the replay test.
func TestEveryScenarioHasAHistory(t *testing.T) {
	for name := range scenarios {
		if _, err := os.Stat(filepath.Join("testdata", historyRelease, name+".json")); err != nil {
			t.Errorf("no %s history for scenario %s: run `make histories`", historyRelease, name)
		}
	}
	files, _ := filepath.Glob("testdata/*/*.json")
	for _, f := range files {
		if _, ok := scenarios[strings.TrimSuffix(filepath.Base(f), ".json")]; !ok {
			t.Errorf("%s is the history of no scenario", f)
		}
	}
}

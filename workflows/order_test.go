package workflows_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/acme/orders/activities"
	"github.com/acme/orders/internal/orders"
	"github.com/acme/orders/workflows"
)

// orderEnv runs OrderWorkflow in the Temporal test suite with its activities
// replaced by recorders, so each path's side effects can be checked in order.
type orderEnv struct {
	*testsuite.TestWorkflowEnvironment
	t     *testing.T
	mu    sync.Mutex
	calls []string
	// results overrides an activity's answer, by name: called with the attempt number.
	results map[string]func(attempt int) error
	counts  map[string]int
	delays  map[string]time.Duration // workflow time an activity takes
}

var a *activities.Orders

func newOrderEnv(t *testing.T, delays ...map[string]time.Duration) *orderEnv {
	t.Helper()
	var s testsuite.WorkflowTestSuite
	e := &orderEnv{TestWorkflowEnvironment: s.NewTestWorkflowEnvironment(), t: t,
		results: map[string]func(int) error{}, counts: map[string]int{}, delays: map[string]time.Duration{}}
	for _, d := range delays {
		maps.Copy(e.delays, d)
	}
	workflows.Register(e)
	e.RegisterActivity(&activities.Orders{})
	e.RegisterActivity(&activities.Emails{})
	record := func(name string) func(context.Context, uuid.UUID) error {
		return func(context.Context, uuid.UUID) error { return e.record(name) }
	}
	for name, fn := range map[string]any{
		"ReserveStock": a.ReserveStock, "ReleaseStock": a.ReleaseStock, "CommitStock": a.CommitStock,
		"CapturePayment": a.CapturePayment, "ReversePayment": a.ReversePayment,
		"RequestShipment": a.RequestShipment, "CancelShipment": a.CancelShipment,
	} {
		e.OnActivity(fn, mock.Anything, mock.Anything).Return(record(name)).After(e.delays[name])
	}
	e.OnActivity(a.Transition, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.TransitionInput) error {
		return e.record("->" + string(orders.Decide(in.From, in.Action).Next))
	})
	e.OnActivity(a.MarkShipment, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.MarkShipmentInput) error {
		return e.record("shipment " + string(in.Status))
	})
	// The steps that fold several (1.4) record each part, as the steps did.
	e.OnActivity(a.ConfirmOrder, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.ConfirmInput) error {
		if in.Reserve {
			if err := e.record("ReserveStock"); err != nil {
				return err
			}
		}
		if err := e.record("AuthorizePayment"); err != nil {
			return err
		}
		if err := e.record("->" + string(orders.Decide(in.From, in.Action).Next)); err != nil {
			return err
		}
		if in.RequestShipment {
			return e.record("RequestShipment")
		}
		return nil
	}).After(e.delays["AuthorizePayment"])
	e.OnActivity(a.ShipOrder, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.ShipInput) error {
		for _, part := range []string{"CapturePayment", "CommitStock", "shipment shipped", "->" + string(orders.Decide(in.From, in.Action).Next)} {
			if err := e.record(part); err != nil {
				return err
			}
		}
		return nil
	})
	e.OnActivity(a.DeliverOrder, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.TransitionInput) error {
		if err := e.record("shipment delivered"); err != nil {
			return err
		}
		return e.record("->" + string(orders.Decide(in.From, in.Action).Next))
	})
	e.OnActivity(a.ReauthorizePayment, mock.Anything, mock.Anything).Return(func(context.Context, activities.ReauthorizeInput) error {
		return e.record("ReauthorizePayment")
	})
	e.OnActivity(a.Refund, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.RefundInput) (orders.RefundView, error) {
		if err := e.record(fmt.Sprintf("Refund %d", in.AmountCents)); err != nil {
			return orders.RefundView{}, err
		}
		return orders.RefundView{ID: in.RefundID, AmountCents: in.AmountCents, Status: orders.RefundSucceeded}, nil
	})
	e.stubReturns()
	// E-mails go out beside the next step: counted, not sequenced.
	var em *activities.Emails
	e.OnActivity(em.SendEmail, mock.Anything, mock.Anything).Return(func(_ context.Context, req activities.EmailRequest) error {
		e.mu.Lock()
		defer e.mu.Unlock()
		if req.OrderID == uuid.Nil {
			e.t.Errorf("order e-mail without its order: %+v", req)
		}
		e.counts["email"]++
		e.counts["email "+string(req.Template)]++
		return nil
	})
	return e
}

func (e *orderEnv) record(name string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.counts[name]++
	if f := e.results[name]; f != nil {
		if err := f(e.counts[name]); err != nil {
			e.calls = append(e.calls, name+" failed")
			return err
		}
	}
	e.calls = append(e.calls, name)
	return nil
}

func input(total int64) workflows.OrderInput {
	return workflows.OrderInput{OrderID: uuid.New(), TotalCents: total, Currency: "EUR",
		ApprovalThresholdCents: 10_000, ApprovalTimeout: 48 * time.Hour}
}

// at sends an update after d of workflow time and checks it was accepted
// (or, with wantRejected, refused by the validator).
func (e *orderEnv) at(d time.Duration, update string, wantRejected bool) {
	e.RegisterDelayedCallback(func() {
		e.UpdateWorkflow(update, uuid.NewString(), &testsuite.TestUpdateCallback{
			OnReject: func(err error) {
				if !wantRejected {
					e.t.Errorf("update %s rejected: %v", update, err)
				}
			},
			OnAccept: func() {
				if wantRejected {
					e.t.Errorf("update %s accepted, want rejected", update)
				}
			},
			OnComplete: func(any, error) {},
		}, workflows.ActionInput{Actor: "ops@example.com"})
	}, d)
}

func (e *orderEnv) finish(in workflows.OrderInput) (workflows.OrderState, error) {
	e.t.Helper()
	e.ExecuteWorkflow(workflows.OrderWorkflowName, in)
	if !e.IsWorkflowCompleted() {
		e.t.Fatal("workflow did not complete")
	}
	var st workflows.OrderState
	err := e.GetWorkflowError()
	if err == nil {
		if gerr := e.GetWorkflowResult(&st); gerr != nil {
			e.t.Fatal(gerr)
		}
	}
	return st, err
}

func (e *orderEnv) wantCalls(want ...string) {
	e.t.Helper()
	if !slices.Equal(e.calls, want) {
		e.t.Fatalf("calls:\n  got  %s\n  want %s", strings.Join(e.calls, ", "), strings.Join(want, ", "))
	}
}

var (
	upToConfirmed  = []string{"ReserveStock", "AuthorizePayment", "->confirmed", "RequestShipment"}
	shipAndDeliver = []string{"CapturePayment", "CommitStock", "shipment shipped", "->shipped", "shipment delivered", "->delivered"}
)

func TestOrderHappyPath(t *testing.T) {
	e := newOrderEnv(t)
	e.at(time.Hour, workflows.UpdateShip, false)
	e.at(2*time.Hour, workflows.UpdateDeliver, false)
	st, err := e.finish(input(5_000))
	if err != nil || st.Status != orders.StatusDelivered {
		t.Fatalf("state %+v, err %v", st, err)
	}
	e.wantCalls(append(slices.Clone(upToConfirmed), shipAndDeliver...)...)
	if e.counts["email"] != 1 || st.ConfirmationEmail != workflows.EmailSent {
		t.Fatalf("confirmation e-mail: sent %d times, state %q", e.counts["email"], st.ConfirmationEmail)
	}
}

// TestOrderWithoutRelaySendsNoEmail: an order placed with no mail relay
// configured sends nothing and says so.
func TestOrderWithoutRelaySendsNoEmail(t *testing.T) {
	e := newOrderEnv(t)
	e.at(time.Hour, workflows.UpdateCancel, false)
	in := input(5_000)
	in.NoEmails = true
	st, err := e.finish(in)
	if err != nil || st.Status != orders.StatusCancelled || e.counts["email"] != 0 || st.ConfirmationEmail != workflows.EmailSkipped {
		t.Fatalf("state %+v, err %v, e-mails %d", st, err, e.counts["email"])
	}
}

func TestOrderOutOfStockFailsHoldingNothing(t *testing.T) {
	e := newOrderEnv(t)
	e.results["ReserveStock"] = func(int) error {
		return temporal.NewNonRetryableApplicationError("out of stock: Mug (MUG), 5 wanted", activities.ErrTypeOutOfStock, nil)
	}
	st, err := e.finish(input(5_000))
	if err != nil || st.Status != orders.StatusFailed || !strings.Contains(st.Reason, "out of stock") || st.StockReserved {
		t.Fatalf("state %+v, err %v", st, err)
	}
	e.wantCalls("ReserveStock failed", "->failed") // no release: nothing was reserved
}

func TestOrderDeclinedPaymentReleasesStock(t *testing.T) {
	e := newOrderEnv(t)
	e.results["AuthorizePayment"] = func(int) error {
		return temporal.NewNonRetryableApplicationError("payment declined", activities.ErrTypePaymentDeclined, nil)
	}
	st, err := e.finish(input(5_000))
	if err != nil || st.Status != orders.StatusFailed || st.Reason != "payment declined" {
		t.Fatalf("state %+v, err %v", st, err)
	}
	e.wantCalls("ReserveStock", "AuthorizePayment failed", "ReleaseStock", "->failed")
}

func TestOrderTransientPaymentFailuresAreRetried(t *testing.T) {
	e := newOrderEnv(t)
	e.results["AuthorizePayment"] = func(attempt int) error {
		if attempt <= 2 {
			return errors.New("gateway unavailable")
		}
		return nil
	}
	e.at(time.Hour, workflows.UpdateCancel, false)
	st, err := e.finish(input(5_000))
	if err != nil || st.Status != orders.StatusCancelled {
		t.Fatalf("state %+v, err %v", st, err)
	}
	if e.counts["AuthorizePayment"] != 3 {
		t.Fatalf("authorize ran %d times, want 3", e.counts["AuthorizePayment"])
	}
}

func TestOrderApprovalGranted(t *testing.T) {
	e := newOrderEnv(t)
	e.at(time.Hour, workflows.UpdateShip, true) // not confirmed yet
	e.at(2*time.Hour, workflows.UpdateApprove, false)
	e.at(3*time.Hour, workflows.UpdateApprove, true) // already decided
	e.at(4*time.Hour, workflows.UpdateShip, false)
	e.at(5*time.Hour, workflows.UpdateDeliver, false)
	st, err := e.finish(input(50_000))
	if err != nil || st.Status != orders.StatusDelivered {
		t.Fatalf("state %+v, err %v", st, err)
	}
	e.wantCalls(append([]string{"ReserveStock", "->awaiting_approval", "AuthorizePayment", "->confirmed",
		"RequestShipment"}, shipAndDeliver...)...)
}

func TestOrderApprovalRejected(t *testing.T) {
	e := newOrderEnv(t)
	e.at(time.Hour, workflows.UpdateReject, false)
	st, err := e.finish(input(50_000))
	if err != nil || st.Status != orders.StatusCancelled || st.Reason != "rejected by an operator" {
		t.Fatalf("state %+v, err %v", st, err)
	}
	e.wantCalls("ReserveStock", "->awaiting_approval", "ReleaseStock", "->cancelled")
}

func TestOrderApprovalTimesOut(t *testing.T) {
	e := newOrderEnv(t)
	st, err := e.finish(input(50_000)) // nobody decides; time skips to the timeout
	if err != nil || st.Status != orders.StatusCancelled || !strings.Contains(st.Reason, "approval timed out") {
		t.Fatalf("state %+v, err %v", st, err)
	}
	e.wantCalls("ReserveStock", "->awaiting_approval", "ReleaseStock", "->cancelled")
}

func TestOrderCancelAtEveryStage(t *testing.T) {
	cases := []struct {
		name  string
		total int64
		setup func(e *orderEnv)
		want  []string
	}{
		// The first step reserves, confirms and requests the shipment: a
		// cancel asked during it is acted on once it ends, undoing it all.
		{"pending, while reserving", 5_000, func(e *orderEnv) {
			e.results["ReserveStock"] = func(attempt int) error {
				if attempt == 1 {
					return errors.New("database busy") // retried after 1s: the cancel lands meanwhile
				}
				return nil
			}
			e.at(500*time.Millisecond, workflows.UpdateCancel, false)
		}, append([]string{"ReserveStock failed"}, append(slices.Clone(upToConfirmed), "CancelShipment", "ReversePayment", "ReleaseStock", "->cancelled")...)},
		{"awaiting approval", 50_000, func(e *orderEnv) {
			e.at(time.Hour, workflows.UpdateCancel, false)
		}, []string{"ReserveStock", "->awaiting_approval", "ReleaseStock", "->cancelled"}},
		{"confirmed", 5_000, func(e *orderEnv) {
			e.at(time.Hour, workflows.UpdateCancel, false)
			e.at(2*time.Hour, workflows.UpdateShip, true) // cancelled: cannot ship
		}, append(slices.Clone(upToConfirmed), "CancelShipment", "ReversePayment", "ReleaseStock", "->cancelled")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newOrderEnv(t)
			c.setup(e)
			st, err := e.finish(input(c.total))
			if err != nil || st.Status != orders.StatusCancelled || st.StockReserved || st.PaymentAuthorized || st.ShipmentRequested {
				t.Fatalf("state %+v, err %v", st, err)
			}
			e.wantCalls(c.want...)
		})
	}
}

func TestOrderCannotBeCancelledOnceShipped(t *testing.T) {
	e := newOrderEnv(t)
	e.at(time.Hour, workflows.UpdateShip, false)
	e.at(2*time.Hour, workflows.UpdateCancel, true)
	e.RegisterDelayedCallback(func() { e.SignalWorkflow(workflows.SignalCancel, workflows.ActionInput{}) }, 3*time.Hour)
	e.RegisterDelayedCallback(e.CancelWorkflow, 4*time.Hour) // ignored past shipping
	e.at(5*time.Hour, workflows.UpdateDeliver, false)
	st, err := e.finish(input(5_000))
	if err != nil || st.Status != orders.StatusDelivered {
		t.Fatalf("state %+v, err %v", st, err)
	}
	e.wantCalls(append(slices.Clone(upToConfirmed), shipAndDeliver...)...)
}

func TestOrderWorkflowCancelCompensates(t *testing.T) {
	e := newOrderEnv(t)
	e.RegisterDelayedCallback(e.CancelWorkflow, time.Hour)
	_, err := e.finish(input(5_000))
	var canceled *temporal.CanceledError
	if !errors.As(err, &canceled) {
		t.Fatalf("want the workflow cancelled, got %v", err)
	}
	e.wantCalls(append(slices.Clone(upToConfirmed), "CancelShipment", "ReversePayment", "ReleaseStock", "->cancelled")...)
}

func TestOrderSignalsDriveTheSameFlow(t *testing.T) {
	e := newOrderEnv(t)
	signal := func(d time.Duration, name string) {
		e.RegisterDelayedCallback(func() { e.SignalWorkflow(name, workflows.ActionInput{Actor: "carrier"}) }, d)
	}
	signal(time.Hour, workflows.SignalDelivered) // not shipped yet: ignored
	signal(2*time.Hour, workflows.SignalApproved)
	signal(3*time.Hour, workflows.SignalShipped)
	signal(4*time.Hour, workflows.SignalDelivered)
	st, err := e.finish(input(50_000))
	if err != nil || st.Status != orders.StatusDelivered {
		t.Fatalf("state %+v, err %v", st, err)
	}
}

func TestOrderStateQuery(t *testing.T) {
	e := newOrderEnv(t)
	e.RegisterDelayedCallback(func() {
		v, err := e.QueryWorkflow(workflows.QueryState)
		if err != nil {
			t.Error(err)
			return
		}
		var st workflows.OrderState
		if err := v.Get(&st); err != nil || st.Status != orders.StatusConfirmed || !st.PaymentAuthorized || !st.ShipmentRequested {
			t.Errorf("query: %+v %v", st, err)
		}
	}, time.Hour)
	e.at(2*time.Hour, workflows.UpdateCancel, false)
	if st, err := e.finish(input(5_000)); err != nil || st.Status != orders.StatusCancelled {
		t.Fatalf("state %+v, err %v", st, err)
	}
}

// TestOrderWorkflowCancelDuringAStep: the cancel lands while the payment is
// being authorized; the step (which confirms and requests the shipment too)
// finishes, and what it did is undone.
func TestOrderWorkflowCancelDuringAStep(t *testing.T) {
	e := newOrderEnv(t, map[string]time.Duration{"AuthorizePayment": time.Hour})
	e.RegisterDelayedCallback(e.CancelWorkflow, 30*time.Minute)
	_, err := e.finish(input(5_000))
	var canceled *temporal.CanceledError
	if !errors.As(err, &canceled) {
		t.Fatalf("want the workflow cancelled, got %v", err)
	}
	e.wantCalls("ReserveStock", "AuthorizePayment", "->confirmed", "RequestShipment", "CancelShipment", "ReversePayment", "ReleaseStock", "->cancelled")
}

// TestOrderTakesOneAskedActionAtATime: while an approval runs (the payment
// is being authorized), a cancel is refused; once the order is confirmed,
// it is accepted.
func TestOrderTakesOneAskedActionAtATime(t *testing.T) {
	e := newOrderEnv(t, map[string]time.Duration{"AuthorizePayment": time.Hour})
	e.at(time.Hour, workflows.UpdateApprove, false)
	e.at(90*time.Minute, workflows.UpdateCancel, true) // the approval is under way
	e.at(3*time.Hour, workflows.UpdateCancel, false)   // confirmed: allowed
	st, err := e.finish(input(50_000))
	if err != nil || st.Status != orders.StatusCancelled {
		t.Fatalf("state %+v, err %v", st, err)
	}
	e.wantCalls("ReserveStock", "->awaiting_approval", "AuthorizePayment", "->confirmed", "RequestShipment",
		"CancelShipment", "ReversePayment", "ReleaseStock", "->cancelled")
}

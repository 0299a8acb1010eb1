package workflows_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
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

// returnedLines is the order every return test delivers: line 1 of two
// units, line 2 of one.
var returnedLines = map[int32]int32{1: 2, 2: 1}

// stubReturns stands the return steps in for the database: the quantities
// asked and back per line, and a return's status, refusing as the store
// does.
func (e *orderEnv) stubReturns() {
	asked, back := map[int32]int32{}, map[int32]int32{}
	status := map[uuid.UUID]orders.ReturnStatus{}
	lines := map[uuid.UUID][]orders.LineQuantity{}
	view := func(id uuid.UUID) orders.ReturnView {
		return orders.ReturnView{ID: id, Lines: lines[id], Status: status[id]}
	}
	e.OnActivity(a.RequestReturn, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.ReturnInput) (orders.ReturnView, error) {
		for _, l := range in.Lines {
			if left := returnedLines[l.LineNo] - asked[l.LineNo]; l.Quantity > left {
				return orders.ReturnView{}, temporal.NewNonRetryableApplicationError(
					fmt.Sprintf("line %d has %d left to return", l.LineNo, left), activities.ErrTypeReturnRefused, nil)
			}
		}
		for _, l := range in.Lines {
			asked[l.LineNo] += l.Quantity
		}
		status[in.ReturnID], lines[in.ReturnID] = orders.ReturnRequested, in.Lines
		return view(in.ReturnID), e.record("RequestReturn")
	})
	e.OnActivity(a.DecideReturn, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.ReturnInput) (orders.ReturnView, error) {
		if in.Step == orders.ReturnReject {
			status[in.ReturnID] = orders.ReturnRejected
			for _, l := range lines[in.ReturnID] {
				asked[l.LineNo] -= l.Quantity
			}
		} else {
			status[in.ReturnID] = orders.ReturnApproved
		}
		return view(in.ReturnID), e.record(string(in.Step) + " by " + in.Actor)
	})
	e.OnActivity(a.ReceiveReturn, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.ReturnInput) (orders.ReturnView, error) {
		if status[in.ReturnID] == orders.ReturnApproved {
			status[in.ReturnID] = orders.ReturnReceived
			for _, l := range lines[in.ReturnID] {
				back[l.LineNo] += l.Quantity
			}
		}
		return view(in.ReturnID), e.record("ReceiveReturn")
	})
	e.OnActivity(a.RefundReturn, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.ReturnInput) (activities.ReturnOutcome, error) {
		if err := e.record("RefundReturn"); err != nil {
			return activities.ReturnOutcome{}, err
		}
		status[in.ReturnID] = orders.ReturnRefunded
		all := true
		for no, q := range returnedLines {
			all = all && back[no] == q
		}
		return activities.ReturnOutcome{Return: view(in.ReturnID), AllReturned: all}, nil
	})
}

// returnAt asks for a return of lines after d; want is "" for a return
// that must be taken, or the refusal's text. The return's ID is returned.
func (e *orderEnv) returnAt(d time.Duration, want string, lines ...orders.LineQuantity) uuid.UUID {
	id := uuid.New()
	e.RegisterDelayedCallback(func() {
		e.UpdateWorkflow(workflows.UpdateReturn, uuid.NewString(), e.expect("return "+id.String(), want),
			workflows.ReturnInput{ReturnID: id, Lines: lines, Actor: "c@example.com"})
	}, d)
	return id
}

// stepAt takes a step of return id after d, by update; want as returnAt's.
func (e *orderEnv) stepAt(d time.Duration, step orders.ReturnStep, id uuid.UUID, want string) {
	e.RegisterDelayedCallback(func() {
		e.UpdateWorkflow(workflows.ReturnStepUpdate(step), uuid.NewString(), e.expect(string(step)+" "+id.String(), want),
			workflows.ReturnStepInput{ReturnID: id, Actor: "ops@example.com"})
	}, d)
}

// expect checks an update's answer: taken, or refused (by its validator or
// its handler) with want.
func (e *orderEnv) expect(what, want string) *testsuite.TestUpdateCallback {
	check := func(err error) {
		var app *temporal.ApplicationError
		switch {
		case want == "" && err != nil:
			e.t.Errorf("%s: %v", what, err)
		case want != "" && (!errors.As(err, &app) || app.Message() != want):
			e.t.Errorf("%s: %v, want %q", what, err, want)
		}
	}
	return &testsuite.TestUpdateCallback{
		OnReject:   check,
		OnAccept:   func() {},
		OnComplete: func(_ any, err error) { check(err) },
	}
}

var delivered = append(slices.Clone(upToConfirmed), shipAndDeliver...)

func line(no, q int32) orders.LineQuantity { return orders.LineQuantity{LineNo: no, Quantity: q} }

// TestOrderFullyReturned: every unit comes back over two returns, each
// approved, received and refunded; the order ends returned before its
// window closes.
func TestOrderFullyReturned(t *testing.T) {
	e := newOrderEnv(t)
	e.at(time.Hour, workflows.UpdateShip, false)
	e.at(2*time.Hour, workflows.UpdateDeliver, false)
	first := e.returnAt(24*time.Hour, "", line(1, 2))
	e.stepAt(25*time.Hour, orders.ReturnApprove, first, "")
	second := e.returnAt(26*time.Hour, "", line(2, 1))
	e.stepAt(27*time.Hour, orders.ReturnApprove, second, "")
	e.stepAt(5*24*time.Hour, orders.ReturnReceive, first, "")
	e.stepAt(6*24*time.Hour, orders.ReturnReceive, second, "")
	e.SetStartTime(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	st, err := e.finish(lapsing(5_000))
	if err != nil || st.Status != orders.StatusReturned {
		t.Fatalf("state %+v, err %v", st, err)
	}
	e.wantCalls(append(slices.Clone(delivered), "RequestReturn", "approve by ops@example.com", "RequestReturn", "approve by ops@example.com",
		"ReceiveReturn", "RefundReturn", "ReceiveReturn", "RefundReturn", "->returned")...)
	if now := e.Now(); now.After(time.Date(2026, 1, 8, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("the workflow closed at %s, not once every unit came back", now)
	}
}

// TestOrderReturnRejectedAndPartial: a rejected return sends nothing back
// (its lines can be asked again), a partial one is refunded, and the
// order stays delivered until its window closes.
func TestOrderReturnRejectedAndPartial(t *testing.T) {
	e := newOrderEnv(t)
	e.at(time.Hour, workflows.UpdateShip, false)
	e.at(2*time.Hour, workflows.UpdateDeliver, false)
	rejected := e.returnAt(24*time.Hour, "", line(1, 2))
	e.stepAt(25*time.Hour, orders.ReturnReject, rejected, "")
	e.stepAt(26*time.Hour, orders.ReturnReceive, rejected, "the return is rejected; receive needs it approved")
	partial := e.returnAt(27*time.Hour, "", line(1, 1))
	e.stepAt(28*time.Hour, orders.ReturnApprove, partial, "")
	e.stepAt(29*time.Hour, orders.ReturnReceive, partial, "")
	st, err := e.finish(lapsing(5_000))
	if err != nil || st.Status != orders.StatusDelivered {
		t.Fatalf("state %+v, err %v", st, err)
	}
	e.wantCalls(append(slices.Clone(delivered), "RequestReturn", "reject by ops@example.com",
		"RequestReturn", "approve by ops@example.com", "ReceiveReturn", "RefundReturn")...)
}

// TestOrderReturnBeyondDeliveredRefused: more than was delivered, or than
// is left after another return, is refused, as is a step of an unknown
// return.
func TestOrderReturnBeyondDeliveredRefused(t *testing.T) {
	e := newOrderEnv(t)
	e.at(time.Hour, workflows.UpdateShip, false)
	e.returnAt(90*time.Minute, "only a delivered order can be returned; this one is shipped", line(1, 1))
	e.at(2*time.Hour, workflows.UpdateDeliver, false)
	e.returnAt(3*time.Hour, "line 1 has 2 left to return", line(1, 3))
	e.returnAt(4*time.Hour, "", line(1, 1))
	e.returnAt(5*time.Hour, "line 1 has 1 left to return", line(1, 2))
	unknown := uuid.New()
	e.stepAt(6*time.Hour, orders.ReturnApprove, unknown, "the order has no return "+unknown.String())
	if st, err := e.finish(lapsing(5_000)); err != nil || st.Status != orders.StatusDelivered {
		t.Fatalf("state %+v, err %v", st, err)
	}
	e.wantCalls(append(slices.Clone(delivered), "RequestReturn", "reject by system")...)
}

// TestOrderReturnWindowExpiry: a return asked after the window is refused;
// an approved return whose goods never came is rejected by the system
// once a second window passed, and the workflow closes.
func TestOrderReturnWindowExpiry(t *testing.T) {
	e := newOrderEnv(t)
	e.SetStartTime(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	e.at(time.Hour, workflows.UpdateShip, false)
	e.at(2*time.Hour, workflows.UpdateDeliver, false)
	late := e.returnAt(29*24*time.Hour, "", line(2, 1))
	e.stepAt(29*24*time.Hour+time.Hour, orders.ReturnApprove, late, "")
	e.returnAt(31*24*time.Hour, "the order's return window ended at 2026-01-31T02:00:00Z", line(1, 1))
	st, err := e.finish(lapsing(5_000))
	if err != nil || st.Status != orders.StatusDelivered {
		t.Fatalf("state %+v, err %v", st, err)
	}
	e.wantCalls(append(slices.Clone(delivered), "RequestReturn", "approve by ops@example.com", "reject by system")...)
	if want := time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC); e.Now().Before(want) {
		t.Fatalf("closed at %s, before the second window ended (%s)", e.Now(), want)
	}
}

// TestOrderReturnRefundRetried: a return's refund that fails transiently
// is retried until it goes through, by the signal that reports the goods.
func TestOrderReturnRefundRetried(t *testing.T) {
	e := newOrderEnv(t)
	e.results["RefundReturn"] = func(attempt int) error {
		if attempt < 3 {
			return errors.New("payment gateway unavailable")
		}
		return nil
	}
	e.at(time.Hour, workflows.UpdateShip, false)
	e.at(2*time.Hour, workflows.UpdateDeliver, false)
	id := e.returnAt(3*time.Hour, "", line(1, 2), line(2, 1))
	e.stepAt(4*time.Hour, orders.ReturnApprove, id, "")
	e.RegisterDelayedCallback(func() {
		e.SignalWorkflow(workflows.SignalReturnReceived, workflows.ReturnStepInput{ReturnID: id, Actor: "carrier"})
	}, 5*time.Hour)
	st, err := e.finish(lapsing(5_000))
	if err != nil || st.Status != orders.StatusReturned {
		t.Fatalf("state %+v, err %v", st, err)
	}
	e.wantCalls(append(slices.Clone(delivered), "RequestReturn", "approve by ops@example.com", "ReceiveReturn",
		"RefundReturn failed", "RefundReturn failed", "RefundReturn", "->returned")...)
}

package workflows

import (
	"time"

	"github.com/google/uuid"
	"go.temporal.io/sdk/workflow"

	"github.com/acme/orders/activities"
	"github.com/acme/orders/internal/orders"
)

// versionReturns is release 1.3's change to the order workflow: a
// delivered order takes returns for its return window, and becomes
// returned once every unit came back. Orders delivered on 1.2 code keep
// its window, open for refunds alone.
const versionReturns = "returns-1.3"

// OrderResume is what an order's workflow carries into its next run when
// its history grows long (continue-as-new): a delivered order in its return
// window, and its returns.
type OrderResume struct {
	State      OrderState    `json:"state"`
	WindowEnds time.Time     `json:"window_ends"`
	Returns    []ReturnState `json:"returns,omitempty"`
}

// ReturnState is what the run knows of one of the order's returns.
type ReturnState struct {
	ID     uuid.UUID           `json:"id"`
	Status orders.ReturnStatus `json:"status"`
}

// returnStatus is what the run knows of return id; ok is false for one it
// does not know.
func (o *orderRun) returnStatus(id uuid.UUID) (s orders.ReturnStatus, ok bool) {
	for _, r := range o.returns {
		if r.ID == id {
			return r.Status, true
		}
	}
	return "", false
}

// setReturn records where return id stands now.
func (o *orderRun) setReturn(id uuid.UUID, s orders.ReturnStatus) {
	for i := range o.returns {
		if o.returns[i].ID == id {
			o.returns[i].Status = s
			return
		}
	}
	o.returns = append(o.returns, ReturnState{ID: id, Status: s})
}

// takeReturns keeps a delivered order open for returns until its window
// ends (then, for another window at most, until the returns under way are
// settled), and ends it returned once every unit came back. A workflow
// cancel ends it early. When the history grows long, the run continues as
// new with the returns it knows.
func (o *orderRun) takeReturns(ctx workflow.Context) error {
	o.returnsOpen = true
	workflow.SetCurrentDetails(ctx, statusDetails(o.state.Status, "open for returns and refunds until "+o.windowEnds.UTC().Format(time.RFC3339)))
	for {
		now := workflow.Now(ctx)
		until, closing := o.windowEnds, !now.Before(o.windowEnds)
		if closing {
			until = o.windowEnds.Add(o.in.ReturnWindow)
		}
		if closing && (len(o.openReturns()) == 0 || !now.Before(until)) {
			break
		}
		_, err := workflow.AwaitWithTimeout(ctx, until.Sub(now), func() bool {
			return o.allReturned || o.continueAsNewDue(ctx) || (closing && len(o.openReturns()) == 0)
		})
		if err != nil {
			return err
		}
		if o.allReturned {
			if err := workflow.Await(ctx, func() bool { return !o.handling }); err != nil {
				return err
			}
			return o.apply(disconnected(ctx), orders.ActionReturn, ActionInput{Actor: orders.ActorSystem, Reason: "every unit came back"})
		}
		if o.continueAsNewDue(ctx) {
			return o.continueAsNew(ctx)
		}
	}
	return o.closeReturns(ctx)
}

// closeReturns rejects the returns whose goods did not come back in time.
func (o *orderRun) closeReturns(ctx workflow.Context) error {
	o.closed = true
	ctx = disconnected(ctx)
	if err := workflow.Await(ctx, func() bool { return !o.handling }); err != nil {
		return err
	}
	for _, id := range o.openReturns() {
		in := activities.ReturnInput{OrderID: o.in.OrderID, ReturnID: id, Step: orders.ReturnReject, Actor: orders.ActorSystem,
			Reason: "the goods did not come back within the return window"}
		if err := o.exec(ctx, "Reject a return whose goods did not come back", acts.DecideReturn, in); err != nil {
			return err
		}
		o.setReturn(id, orders.ReturnRejected)
	}
	return nil
}

// openReturns are the returns still waiting for a decision or the goods,
// oldest first.
func (o *orderRun) openReturns() []uuid.UUID {
	var out []uuid.UUID
	for _, r := range o.returns {
		if r.Status.Open() {
			out = append(out, r.ID)
		}
	}
	return out
}

// continueAsNewDue says the history is long enough to start afresh (as
// Temporal suggests, or past the input's HistoryLimit), while nothing runs.
func (o *orderRun) continueAsNewDue(ctx workflow.Context) bool {
	info := workflow.GetInfo(ctx)
	long := info.GetContinueAsNewSuggested() || (o.in.HistoryLimit > 0 && info.GetCurrentHistoryLength() >= o.in.HistoryLimit)
	return long && !o.handling
}

// continueAsNew ends this run once every handler answered, and starts the
// next with the order's state and returns.
func (o *orderRun) continueAsNew(ctx workflow.Context) error {
	if err := workflow.Await(ctx, func() bool { return o.idle(ctx) }); err != nil {
		return err
	}
	next := o.in
	next.Resume = &OrderResume{State: o.state, WindowEnds: o.windowEnds, Returns: o.returns}
	return workflow.NewContinueAsNewError(ctx, OrderWorkflow, next)
}

// idle says no handler, signalled step or e-mail is under way: the run
// may end.
func (o *orderRun) idle(ctx workflow.Context) bool {
	return workflow.AllHandlersFinished(ctx) && !o.handling && o.signalled == 0 && !o.mailing
}

// exclusive runs one handler's work at a time: refunds and returns move the
// same payment and stock.
func (o *orderRun) exclusive(ctx workflow.Context, work func() error) error {
	if err := workflow.Await(ctx, func() bool { return !o.handling }); err != nil {
		return err
	}
	o.handling = true
	defer func() { o.handling = false }()
	return work()
}

// allowReturn is the return update's validator: a delivered order, within
// its window, and lines to send back.
func (o *orderRun) allowReturn(ctx workflow.Context, in ReturnInput) error {
	if err := orders.Returnable(o.state.Status); err != nil {
		return rejected("%s", err.Error())
	}
	switch {
	case !o.returnsOpen:
		return rejected("this order was delivered before returns were taken; its refunds go through POST /orders/{id}/refunds")
	case o.closed || !workflow.Now(ctx).Before(o.windowEnds):
		return rejected("the order's return window ended at %s", o.windowEnds.UTC().Format(time.RFC3339))
	case len(in.Lines) == 0:
		return rejected("a return names the lines sent back")
	}
	return nil
}

// requestReturn is the return update's handler: the return is written
// requested, or refused (lines beyond what is left to send back).
func (o *orderRun) requestReturn(ctx workflow.Context, in ReturnInput) (out orders.ReturnView, err error) {
	err = o.exclusive(ctx, func() error {
		if o.closed {
			return rejected("the order's return window ended at %s", o.windowEnds.UTC().Format(time.RFC3339))
		}
		step := activities.ReturnInput{OrderID: o.in.OrderID, ReturnID: in.ReturnID, Lines: in.Lines, Reason: in.Reason, Actor: in.Actor}
		if err := o.execResult(disconnected(ctx), "Record a return request", acts.RequestReturn, step, &out); err != nil {
			return refusal(err, activities.ErrTypeReturnRefused)
		}
		o.setReturn(in.ReturnID, out.Status)
		return nil
	})
	return out, err
}

// allowReturnStep is the validator of a return's steps: the return must be
// this order's, in a status the step leads from.
func (o *orderRun) allowReturnStep(step orders.ReturnStep, in ReturnStepInput) error {
	s, ok := o.returnStatus(in.ReturnID)
	switch {
	case !ok:
		return rejected("the order has no return %s", in.ReturnID)
	case o.closed:
		return rejected("the order's return window is closed")
	}
	if err := orders.ReturnAllowed(s, step); err != nil {
		return rejected("%s", err.Error())
	}
	return nil
}

// stepReturn is the handler of a return's steps: approve or reject; or
// receive, which puts the goods back on hand and refunds them. A refund the
// provider refuses leaves the return received, for an operator to refund
// by hand.
func (o *orderRun) stepReturn(ctx workflow.Context, step orders.ReturnStep, in ReturnStepInput) (out orders.ReturnView, err error) {
	err = o.exclusive(ctx, func() error {
		if err := o.allowReturnStep(step, in); err != nil { // moved on while this one waited
			return err
		}
		steps := disconnected(ctx)
		arg := activities.ReturnInput{OrderID: o.in.OrderID, ReturnID: in.ReturnID, Step: step, Actor: in.Actor, Reason: in.Note}
		if arg.Actor == "" {
			arg.Actor = orders.ActorOperator
		}
		if step != orders.ReturnReceive {
			if err := o.execResult(steps, "Record an operator's decision on a return", acts.DecideReturn, arg, &out); err != nil {
				return refusal(err, activities.ErrTypeReturnRefused)
			}
			o.setReturn(in.ReturnID, out.Status)
			return nil
		}
		if err := o.execResult(steps, "Put a return's goods back on hand", acts.ReceiveReturn, arg, &out); err != nil {
			return refusal(err, activities.ErrTypeReturnRefused)
		}
		o.setReturn(in.ReturnID, out.Status)
		var done activities.ReturnOutcome
		if err := o.execResult(steps, "Refund a return's lines", acts.RefundReturn, arg, &done); err != nil {
			if appErrorType(err) == activities.ErrTypeRefundRefused {
				return rejected("return %s is received and its goods are back on hand, but its refund was refused (%s): refund it with POST /orders/{order_id}/refunds",
					in.ReturnID, appErrorMessage(err))
			}
			return refusal(err, activities.ErrTypeReturnRefused)
		}
		out = done.Return
		o.setReturn(in.ReturnID, out.Status)
		o.allReturned = done.AllReturned
		return nil
	})
	return out, err
}

// refusal turns a step's refusal (of type errType) into the update's
// rejection; anything else stays as it is.
func refusal(err error, errType string) error {
	if appErrorType(err) == errType {
		return rejected("%s", appErrorMessage(err))
	}
	return err
}

// registerReturnHandlers adds the return update and its steps' updates
// (receiveSignals takes the signal that reports a return's goods arrived).
func (o *orderRun) registerReturnHandlers(ctx workflow.Context) error {
	err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateReturn, o.requestReturn,
		workflow.UpdateHandlerOptions{Validator: o.allowReturn})
	if err != nil {
		return err
	}
	for _, step := range returnSteps {
		err := workflow.SetUpdateHandlerWithOptions(ctx, ReturnStepUpdate(step),
			func(ctx workflow.Context, in ReturnStepInput) (orders.ReturnView, error) {
				return o.stepReturn(ctx, step, in)
			},
			workflow.UpdateHandlerOptions{Validator: func(_ workflow.Context, in ReturnStepInput) error { return o.allowReturnStep(step, in) }})
		if err != nil {
			return err
		}
	}
	return nil
}

// receiveSignalled receives a return whose goods a signal reported, as the
// receive-return update does, in a coroutine of its own (the signals'
// coroutine goes on); one the return's status does not allow is logged and
// ignored.
func (o *orderRun) receiveSignalled(ctx workflow.Context, in ReturnStepInput) {
	if err := o.allowReturnStep(orders.ReturnReceive, in); err != nil {
		o.logger.Warn("signal ignored", "signal", SignalReturnReceived, "reason", err.Error())
		return
	}
	o.signalled++
	workflow.Go(ctx, func(ctx workflow.Context) {
		defer func() { o.signalled-- }()
		if _, err := o.stepReturn(ctx, orders.ReturnReceive, in); err != nil {
			o.logger.Warn("return not received", "return_id", in.ReturnID, "reason", err.Error())
		}
	})
}

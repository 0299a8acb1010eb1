package workflows

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/acme/orders/activities"
	"github.com/acme/orders/internal/orders"
)

// orderRun is one order's workflow state. Update and signal handlers only
// record the action asked (requests.go); the main flow in run acts on it, so
// every side effect happens in one place and in one order.
type orderRun struct {
	in     OrderInput
	state  OrderState // leads: the status is taken as soon as it is decided
	logger log.Logger
	// persisted is the status the read model (the database) has: it trails
	// state by one step. Updates answer once it caught up, so the API's
	// next read shows what the update did.
	persisted orders.Status
	// asked is the action in flight, from the moment it is accepted until
	// its outcome is persisted; nil when none is.
	asked *request
	// mailing is true while an e-mail to the customer is being sent.
	mailing bool
	// authorizedAt is when the payment authorization in force was taken.
	authorizedAt time.Time
	// handling is true while a refund or a return's step runs: one at a
	// time (exclusive); signalled counts the signalled steps not done yet.
	handling  bool
	signalled int
	// The returns (1.3): returnsOpen once the order takes them, until
	// windowEnds (closed: no more steps); what the run knows of each; and
	// whether every unit came back.
	returnsOpen bool
	closed      bool
	windowEnds  time.Time
	returns     []ReturnState
	allReturned bool
	// lean is true for an order started on 1.4 code (versionLean).
	lean bool
}

// versionLean is release 1.4's change to the order workflow: fewer history
// events per order. The steps that one cause leads to run as one local
// activity, the transition folded in: an order with no approval to wait for
// reserves, authorizes, confirms and requests its shipment in one step
// (ConfirmOrder); shipping captures, takes the goods out of stock, records
// the shipment and the transition in one (ShipOrder); delivering records the
// shipment and the transition in one (DeliverOrder). The run asks this
// version once, as it starts, and takes the 1.2 and 1.3 changes without
// asking theirs (a version marker and a search-attribute upsert each).
// Orders started on earlier code keep their steps.
const versionLean = "lean-1.4"

// acts is only a handle for naming activity methods; workflow code never
// calls them directly.
var acts *activities.Orders

// OrderWorkflow runs an order from pending to delivered (or returned), cancelled or failed,
// along the lifecycle table (orders.Decide). Steps, in order: reserve stock;
// wait for approval above the threshold; authorize payment and confirm;
// e-mail the customer beside requesting the shipment; wait for shipped
// (capture, stock leaves), renewing the payment authorization before it
// lapses; wait for delivered; stay open for returns and refunds for the
// return window (returned once every unit came back). Refunds and returns
// (updates) run beside the steps once the order shipped. A
// cancel (update, signal, or `temporal workflow cancel`) before shipped
// undoes in reverse what was done.
func OrderWorkflow(ctx workflow.Context, in OrderInput) (OrderState, error) {
	o := &orderRun{in: in, state: OrderState{Status: orders.StatusPending}, persisted: orders.StatusPending, logger: workflow.GetLogger(ctx)}
	workflow.SetCurrentDetails(ctx, statusDetails(orders.StatusPending, "reserving stock"))
	resume := in.Resume // continued as new in the return window
	if resume != nil {
		// Before the handlers: registering one hands it the updates that
		// came meanwhile, which judge by this state.
		o.state, o.persisted, o.windowEnds, o.returns = resume.State, resume.State.Status, resume.WindowEnds, resume.Returns
		o.returnsOpen = true
	}
	if err := o.registerHandlers(ctx); err != nil {
		return o.state, err
	}
	var err error
	if resume != nil {
		err = o.takeReturns(ctx)
	} else {
		err = o.run(ctx)
	}
	if temporal.IsCanceledError(err) && o.state.Status.Allows(orders.ActionCancel) {
		// `temporal workflow cancel` during a wait: the same compensation as any other cancel.
		if cerr := o.compensate(ctx, orders.ActionCancel, workflowCancelled); cerr != nil {
			return o.state, cerr
		}
	}
	o.settleAsked()
	// Let update callers get their answer, and the e-mail go out, before the workflow closes.
	_ = workflow.Await(disconnected(ctx), func() bool { return o.idle(ctx) })
	return o.state, err
}

// run takes the order through its steps. Activities run on a context the
// workflow's cancellation does not reach, so a step in flight always
// finishes and the workflow knows what it holds; a cancel is acted on between
// steps, and interrupts only the waits.
func (o *orderRun) run(ctx workflow.Context) error {
	o.lean = workflow.GetVersion(ctx, versionLean, workflow.DefaultVersion, 1) != workflow.DefaultVersion
	steps := disconnected(ctx)
	approval := o.in.TotalCents > o.in.ApprovalThresholdCents
	if approval || !o.lean { // else confirm reserves
		if stop, err := o.reserve(ctx); stop {
			return err
		}
	}

	confirmation := ActionInput{Actor: orders.ActorSystem, Reason: "stock reserved and payment authorized"}
	confirmedBy := orders.ActionConfirm
	if approval {
		approval, stop, err := o.awaitApproval(ctx)
		if stop {
			return err
		}
		confirmation, confirmedBy = approval, orders.ActionApprove
	}

	if stop, err := o.confirm(ctx, confirmedBy, confirmation); stop {
		return err
	}
	o.sendConfirmation(steps)
	if !o.state.ShipmentRequested { // before 1.4, a step of its own
		if err := o.exec(steps, "Request the shipment from the carrier", acts.RequestShipment, o.in.OrderID); err != nil {
			return err
		}
		o.state.ShipmentRequested = true
	}

	r, stop, err := o.awaitShipment(ctx)
	if stop {
		return err
	}
	if r.action == orders.ActionCancel {
		return o.compensate(ctx, orders.ActionCancel, withReason(r.input, "cancelled"))
	}
	return o.shipAndDeliver(ctx, steps, r)
}

// reserve reserves the order's stock as a step of its own: out of stock
// fails the order. stop says the run ends here, with err.
func (o *orderRun) reserve(ctx workflow.Context) (stop bool, err error) {
	steps := disconnected(ctx)
	if err := o.exec(steps, "Reserve the stock of the order's lines", acts.ReserveStock, o.in.OrderID); err != nil {
		if appErrorType(err) == activities.ErrTypeOutOfStock {
			return true, o.fail(steps, appErrorMessage(err))
		}
		return true, err
	}
	o.state.StockReserved = true
	return o.stopIfCancelled(ctx)
}

// awaitApproval holds the order for an operator: approve (the approval is
// returned, to confirm with), reject or cancel (compensated), or nothing
// within the timeout (compensated). stop says the run ends here, with err.
func (o *orderRun) awaitApproval(ctx workflow.Context) (approval ActionInput, stop bool, err error) {
	detail := fmt.Sprintf("total %d above the approval threshold %d", o.in.TotalCents, o.in.ApprovalThresholdCents)
	if err := o.apply(disconnected(ctx), orders.ActionHold, ActionInput{Actor: orders.ActorSystem, Reason: detail}); err != nil {
		return approval, true, err
	}
	decided, err := workflow.AwaitWithTimeout(ctx, o.in.ApprovalTimeout, func() bool { return o.waiting() != nil })
	switch {
	case err != nil:
		return approval, true, err
	case !decided:
		why := ActionInput{Actor: orders.ActorSystem, Reason: "approval timed out after " + o.in.ApprovalTimeout.String()}
		return approval, true, o.compensate(ctx, orders.ActionExpire, why)
	}
	r := o.take()
	switch r.action {
	case orders.ActionApprove:
		return withReason(r.input, "approved by an operator"), false, nil
	case orders.ActionReject:
		return approval, true, o.compensate(ctx, orders.ActionReject, withReason(r.input, "rejected by an operator"))
	}
	return approval, true, o.compensate(ctx, orders.ActionCancel, withReason(r.input, "cancelled"))
}

// confirm authorizes the payment and takes the order to confirmed in one
// step (by: confirm, or approve after an approval); on 1.4 code the step
// also reserves the stock when it is not yet, and requests the shipment.
// Out of stock or a declined payment fails the order, a cancel that came
// meanwhile is compensated. stop says the run ends here, with err.
func (o *orderRun) confirm(ctx workflow.Context, by orders.Action, why ActionInput) (stop bool, err error) {
	steps := disconnected(ctx)
	rule := o.rule(by)
	in := activities.ConfirmInput{
		TransitionInput: activities.TransitionInput{
			OrderID: o.in.OrderID, From: o.persisted, Action: by, Actor: why.Actor, Detail: why.Reason,
		},
		AuthorizationTTL: o.in.AuthorizationTTL,
		Reserve:          o.lean && !o.state.StockReserved,
		RequestShipment:  o.lean,
	}
	summary := "Authorize the payment of " + o.total() + " and confirm"
	switch {
	case in.Reserve:
		summary = "Reserve the stock, authorize the payment of " + o.total() + ", confirm and request the shipment"
	case in.RequestShipment:
		summary += " and request the shipment"
	}
	err = o.exec(steps, summary, acts.ConfirmOrder, in)
	switch appErrorType(err) {
	case activities.ErrTypeOutOfStock: // nothing reserved
		return true, o.fail(steps, appErrorMessage(err))
	case activities.ErrTypePaymentDeclined: // the stock is reserved, by this step or before it
		o.state.StockReserved = true
		return true, o.fail(steps, "payment declined")
	}
	if err != nil {
		return true, err
	}
	o.state.StockReserved = true
	o.state.ShipmentRequested = in.RequestShipment
	o.state.PaymentAuthorized = true
	o.authorizedAt = workflow.Now(ctx)
	o.state.Status = rule.Next
	o.publish(ctx, why.Reason)
	o.persist(rule.Next)
	return o.stopIfCancelled(ctx)
}

// workflowCancelled is who and why `temporal workflow cancel` is recorded as.
var workflowCancelled = ActionInput{Actor: orders.ActorTemporal, Reason: "workflow cancelled"}

// stopIfCancelled compensates when a cancel was asked for during the last
// step. A workflow cancel ends the workflow Canceled (the error says so).
func (o *orderRun) stopIfCancelled(ctx workflow.Context) (bool, error) {
	switch r := o.waiting(); {
	case r != nil && r.action == orders.ActionCancel:
		o.take()
		return true, o.compensate(ctx, orders.ActionCancel, withReason(r.input, "cancelled"))
	case ctx.Err() != nil:
		if err := o.compensate(ctx, orders.ActionCancel, workflowCancelled); err != nil {
			return true, err
		}
		return true, ctx.Err()
	}
	return false, nil
}

// shipAndDeliver runs past the point of no return: the goods left, so a
// workflow cancel is no longer honoured (steps is disconnected from it),
// but it ends a delivered order's return window.
func (o *orderRun) shipAndDeliver(ctx, steps workflow.Context, shipped *request) error {
	if err := o.deliver(steps, shipped); err != nil {
		return err
	}
	return o.awaitReturnWindow(ctx)
}

// deliver captures the payment, takes the goods out of stock and records
// the shipment, then waits for the delivery.
func (o *orderRun) deliver(ctx workflow.Context, shipped *request) error {
	if o.lean {
		return o.deliverLean(ctx, shipped)
	}
	if err := o.exec(ctx, "Capture the payment of "+o.total(), acts.CapturePayment, o.in.OrderID); err != nil {
		return err
	}
	o.state.PaymentCaptured = true
	if err := o.exec(ctx, "Take the shipped goods out of stock", acts.CommitStock, o.in.OrderID); err != nil {
		return err
	}
	o.state.StockReserved = false
	shipment := activities.MarkShipmentInput{OrderID: o.in.OrderID, Status: orders.ShipmentShipped, ShipmentDetails: shipped.input.Shipment}
	if err := o.exec(ctx, "Record the shipment as shipped", acts.MarkShipment, shipment); err != nil {
		return err
	}
	if err := o.apply(ctx, orders.ActionShip, withReason(shipped.input, "shipped")); err != nil {
		return err
	}

	delivered, err := o.await(ctx)
	if err != nil {
		return err
	}
	if err := o.exec(ctx, "Record the shipment as delivered", acts.MarkShipment, activities.MarkShipmentInput{OrderID: o.in.OrderID, Status: orders.ShipmentDelivered}); err != nil {
		return err
	}
	return o.apply(ctx, orders.ActionDeliver, withReason(delivered.input, "delivered"))
}

// deliverLean is deliver on 1.4 code: shipping is one step and delivering
// another, each with its transition. Refunds asked once the order reads
// shipped wait until its step captured the payment (exclusive).
func (o *orderRun) deliverLean(ctx workflow.Context, shipped *request) error {
	err := o.exclusive(ctx, func() error {
		return o.applyIn(ctx, orders.ActionShip, withReason(shipped.input, "shipped"),
			"Capture the payment of "+o.total()+", take the goods out of stock, record the shipment", acts.ShipOrder,
			func(t activities.TransitionInput) any {
				return activities.ShipInput{TransitionInput: t, Shipment: shipped.input.Shipment}
			})
	})
	if err != nil {
		return err
	}
	o.state.PaymentCaptured, o.state.StockReserved = true, false

	delivered, err := o.await(ctx)
	if err != nil {
		return err
	}
	return o.applyIn(ctx, orders.ActionDeliver, withReason(delivered.input, "delivered"),
		"Record the shipment as delivered", acts.DeliverOrder,
		func(t activities.TransitionInput) any { return t })
}

// compensate undoes, in reverse, what the order holds, then takes the
// action that ends it (cancel, reject or expire). It runs on a disconnected
// context: a workflow cancel arriving half-way must not leave stock or money
// held.
func (o *orderRun) compensate(ctx workflow.Context, by orders.Action, why ActionInput) error {
	ctx = disconnected(ctx)
	countCompensation(ctx)
	if o.state.ShipmentRequested {
		if err := o.exec(ctx, "Compensate: cancel the shipment", acts.CancelShipment, o.in.OrderID); err != nil {
			return err
		}
		o.state.ShipmentRequested = false
	}
	if o.state.PaymentAuthorized {
		if err := o.exec(ctx, "Compensate: reverse the payment of "+o.total(), acts.ReversePayment, o.in.OrderID); err != nil {
			return err
		}
		o.state.PaymentAuthorized = false
	}
	if err := o.releaseStock(ctx); err != nil {
		return err
	}
	return o.apply(ctx, by, withReason(why, "cancelled"))
}

// fail ends the order as failed, holding nothing.
func (o *orderRun) fail(ctx workflow.Context, reason string) error {
	if err := o.releaseStock(ctx); err != nil {
		return err
	}
	return o.apply(ctx, orders.ActionFail, ActionInput{Actor: orders.ActorSystem, Reason: reason})
}

func (o *orderRun) releaseStock(ctx workflow.Context) error {
	if !o.state.StockReserved {
		return nil
	}
	if err := o.exec(ctx, "Release the reserved stock", acts.ReleaseStock, o.in.OrderID); err != nil {
		return err
	}
	o.state.StockReserved = false
	return nil
}

// apply takes the action the lifecycle table allows from the order's
// status: the new status is taken at once (so update validators judge by
// it, even before the database shows it), then written with its event to
// the read model.
func (o *orderRun) apply(ctx workflow.Context, by orders.Action, why ActionInput) error {
	return o.applyIn(ctx, by, why, "", acts.Transition, func(t activities.TransitionInput) any { return t })
}

// applyIn is apply with the transition folded into the step that causes
// it: the activity's input is the transition wrapped (wrap), and does
// names what the step does besides, for the Temporal UI.
func (o *orderRun) applyIn(ctx workflow.Context, by orders.Action, why ActionInput, does string, activity any, wrap func(activities.TransitionInput) any) error {
	rule := o.rule(by)
	from := o.persisted
	o.state.Status = rule.Next
	if rule.Next.Ended() {
		o.state.Reason = why.Reason
	}
	o.publish(ctx, why.Reason)
	summary := transitionSummary(from, rule.Next, why)
	if does != "" {
		summary = does + "; " + summary
	}
	err := o.exec(ctx, summary, activity, wrap(activities.TransitionInput{
		OrderID: o.in.OrderID, From: from, Action: by, Actor: why.Actor, Detail: why.Reason,
	}))
	if err != nil {
		return err
	}
	o.persist(rule.Next)
	return nil
}

// rule is the lifecycle's rule for an action the workflow takes now. The
// run takes only actions the table allows; one it does not is a bug, which
// fails the workflow task (Temporal retries it once the code is fixed).
func (o *orderRun) rule(by orders.Action) orders.Rule {
	rule := orders.Decide(o.state.Status, by)
	if !rule.Allowed {
		panic("order workflow: " + rule.Refusal)
	}
	return rule
}

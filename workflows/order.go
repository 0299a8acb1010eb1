package workflows

import (
	"fmt"

	enums "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/acme/orders/activities"
	"github.com/acme/orders/internal/emails"
	"github.com/acme/orders/internal/orders"
)

// orderRun is one order's workflow state. Update and signal handlers only
// record requests; the main flow in run acts on them, so every side effect
// happens in one place and in one order.
type orderRun struct {
	in     OrderInput
	state  OrderState // leads: the status is taken as soon as it is decided
	logger log.Logger
	// lean is the shape of orders started since leanLifecycle: steps as
	// local activities, confirmation folded into the payment's
	// authorization, the confirmation e-mail sent by the order itself.
	lean bool
	// mailing is true while the confirmation e-mail is being sent (lean shape).
	mailing bool
	// console is set for orders started since operatorConsole: they keep
	// their search attributes current.
	console bool
	// persisted is the status the read model (the database) has: it trails
	// state by one activity. Updates answer once it caught up, so the API's
	// next read shows what the update did.
	persisted orders.Status

	cancel    *ActionInput
	approval  *ActionInput
	rejection *ActionInput
	shipped   *ActionInput
	delivered *ActionInput
}

// acts is only a handle for naming activity methods; workflow code never
// calls them directly.
var acts *activities.Orders

// OrderWorkflow runs an order from pending to delivered, cancelled or failed.
// Steps, in order: reserve stock; wait for approval above the threshold;
// authorize payment; confirm (e-mail, shipment request); wait for shipped
// (capture, stock leaves); wait for delivered. A cancel (update, signal, or
// `temporal workflow cancel`) before shipped undoes in reverse what was done.
func OrderWorkflow(ctx workflow.Context, in OrderInput) (OrderState, error) {
	o := &orderRun{in: in, state: OrderState{Status: orders.StatusPending}, persisted: orders.StatusPending, logger: workflow.GetLogger(ctx)}
	o.lean = workflow.GetVersion(ctx, leanLifecycle, workflow.DefaultVersion, 1) == 1
	o.console = workflow.GetVersion(ctx, operatorConsole, workflow.DefaultVersion, 1) == 1
	workflow.SetCurrentDetails(ctx, statusDetails(orders.StatusPending, "reserving stock"))
	if err := o.registerHandlers(ctx); err != nil {
		return o.state, err
	}
	err := o.run(ctx)
	if temporal.IsCanceledError(err) && o.state.Status.Cancellable() {
		// `temporal workflow cancel` during a wait: the same compensation as any other cancel.
		if cerr := o.compensate(ctx, workflowCancelled); cerr != nil {
			return o.state, cerr
		}
	}
	// Let update callers get their answer, and the e-mail go out, before the workflow closes.
	_ = workflow.Await(disconnected(ctx), func() bool { return workflow.AllHandlersFinished(ctx) && !o.mailing })
	return o.state, err
}

// run takes the order through its steps. Activities run on a context the
// workflow's cancellation does not reach, so a step in flight always
// finishes and the workflow knows what it holds; a cancel is acted on between
// steps, and interrupts only the waits.
func (o *orderRun) run(ctx workflow.Context) error {
	steps := disconnected(ctx)
	if err := o.exec(steps, "Reserve the stock of the order's lines", acts.ReserveStock, o.in.OrderID); err != nil {
		if appErrorType(err) == activities.ErrTypeOutOfStock {
			return o.fail(steps, appErrorMessage(err))
		}
		return err
	}
	o.state.StockReserved = true
	if stop, err := o.stopIfCancelled(ctx); stop {
		return err
	}

	confirmedBy := ActionInput{Actor: "system", Reason: "stock reserved and payment authorized"}
	if o.in.TotalCents > o.in.ApprovalThresholdCents {
		detail := fmt.Sprintf("total %d above the approval threshold %d", o.in.TotalCents, o.in.ApprovalThresholdCents)
		if err := o.moveTo(steps, orders.StatusAwaitingApproval, ActionInput{Actor: "system", Reason: detail}); err != nil {
			return err
		}
		decided, err := workflow.AwaitWithTimeout(ctx, o.in.ApprovalTimeout, func() bool {
			return o.approval != nil || o.rejection != nil || o.cancel != nil
		})
		switch {
		case err != nil:
			return err
		case o.cancel != nil:
			return o.compensate(ctx, *o.cancel)
		case o.rejection != nil:
			return o.compensate(ctx, withReason(*o.rejection, "rejected by an operator"))
		case !decided:
			return o.compensate(ctx, ActionInput{Actor: "system", Reason: "approval timed out after " + o.in.ApprovalTimeout.String()})
		}
		confirmedBy = withReason(*o.approval, "approved by an operator")
	}

	if stop, err := o.confirm(ctx, confirmedBy); stop {
		return err
	}
	o.sendConfirmation(steps)
	if err := o.exec(steps, "Request the shipment from the carrier", acts.RequestShipment, o.in.OrderID); err != nil {
		return err
	}
	o.state.ShipmentRequested = true

	if err := workflow.Await(ctx, func() bool { return o.shipped != nil || o.cancel != nil }); err != nil {
		return err
	}
	if o.cancel != nil {
		return o.compensate(ctx, *o.cancel)
	}
	return o.shipAndDeliver(steps)
}

// confirm authorizes the payment and confirms the order; a declined
// payment fails the order, a cancel that came meanwhile is compensated. stop
// says the run ends here, with err. In the lean shape one step does both and
// the status is taken once it succeeded; before, a cancel could land between
// the two.
func (o *orderRun) confirm(ctx workflow.Context, by ActionInput) (stop bool, err error) {
	steps := disconnected(ctx)
	if o.lean {
		err = o.exec(steps, "Authorize the payment of "+o.total()+" and confirm", acts.ConfirmOrder, activities.ConfirmInput{
			OrderID: o.in.OrderID, From: o.persisted, Actor: by.Actor, Detail: by.Reason,
		})
	} else {
		err = o.exec(steps, "Authorize the payment of "+o.total(), acts.AuthorizePayment, o.in.OrderID)
	}
	if appErrorType(err) == activities.ErrTypePaymentDeclined {
		return true, o.fail(steps, "payment declined")
	}
	if err != nil {
		return true, err
	}
	o.state.PaymentAuthorized = true
	if o.lean {
		o.state.Status, o.persisted = orders.StatusConfirmed, orders.StatusConfirmed
		o.publish(ctx, by.Reason)
		return o.stopIfCancelled(ctx)
	}
	if stop, err := o.stopIfCancelled(ctx); stop {
		return true, err
	}
	if err := o.moveTo(steps, orders.StatusConfirmed, by); err != nil {
		return true, err
	}
	return false, nil
}

// workflowCancelled is the reason recorded for `temporal workflow cancel`.
var workflowCancelled = ActionInput{Actor: "temporal", Reason: "workflow cancelled"}

// stopIfCancelled compensates when a cancel was asked for during the last
// step. A workflow cancel ends the workflow Canceled (the error says so).
func (o *orderRun) stopIfCancelled(ctx workflow.Context) (bool, error) {
	switch {
	case o.cancel != nil:
		return true, o.compensate(ctx, *o.cancel)
	case ctx.Err() != nil:
		if err := o.compensate(ctx, workflowCancelled); err != nil {
			return true, err
		}
		return true, ctx.Err()
	}
	return false, nil
}

// shipAndDeliver runs past the point of no return: the goods left, so a
// workflow cancel is no longer honoured (ctx is disconnected from it).
func (o *orderRun) shipAndDeliver(ctx workflow.Context) error {
	if err := o.exec(ctx, "Capture the payment of "+o.total(), acts.CapturePayment, o.in.OrderID); err != nil {
		return err
	}
	o.state.PaymentCaptured = true
	if err := o.exec(ctx, "Take the shipped goods out of stock", acts.CommitStock, o.in.OrderID); err != nil {
		return err
	}
	o.state.StockReserved = false
	if err := o.exec(ctx, "Record the shipment as shipped", acts.MarkShipment, activities.MarkShipmentInput{OrderID: o.in.OrderID, Status: orders.ShipmentShipped}); err != nil {
		return err
	}
	if err := o.moveTo(ctx, orders.StatusShipped, withReason(*o.shipped, "shipped")); err != nil {
		return err
	}

	if err := workflow.Await(ctx, func() bool { return o.delivered != nil }); err != nil {
		return err
	}
	if err := o.exec(ctx, "Record the shipment as delivered", acts.MarkShipment, activities.MarkShipmentInput{OrderID: o.in.OrderID, Status: orders.ShipmentDelivered}); err != nil {
		return err
	}
	return o.moveTo(ctx, orders.StatusDelivered, withReason(*o.delivered, "delivered"))
}

// compensate undoes, in reverse, what the order holds, then records the
// cancel. It runs on a disconnected context: a workflow cancel arriving
// half-way must not leave stock or money held.
func (o *orderRun) compensate(ctx workflow.Context, why ActionInput) error {
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
	return o.moveTo(ctx, orders.StatusCancelled, withReason(why, "cancelled"))
}

// fail ends the order as failed, holding nothing.
func (o *orderRun) fail(ctx workflow.Context, reason string) error {
	if err := o.releaseStock(ctx); err != nil {
		return err
	}
	return o.moveTo(ctx, orders.StatusFailed, ActionInput{Actor: "system", Reason: reason})
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

// moveTo takes the new status at once (so update validators judge by it,
// even before the database shows it), then writes it and its event to the
// read model.
func (o *orderRun) moveTo(ctx workflow.Context, to orders.Status, why ActionInput) error {
	from := o.persisted
	o.state.Status = to
	if to.Ended() {
		o.state.Reason = why.Reason
	}
	o.publish(ctx, why.Reason)
	err := o.exec(ctx, transitionSummary(from, to, why), acts.Transition, activities.TransitionInput{
		OrderID: o.in.OrderID, From: from, To: to,
		Actor: why.Actor, Detail: why.Reason,
	})
	if err != nil {
		return err
	}
	o.persisted = to
	return nil
}

// sendConfirmation starts the confirmation e-mail as its own SendEmail
// workflow, which outlives this one if need be. An e-mail that cannot be
// built is logged, not allowed to stop the order. With no mail relay
// configured (from version noEmailsWithoutRelay on) it starts nothing and
// records that in the state.
func (o *orderRun) sendConfirmation(ctx workflow.Context) {
	if o.lean {
		o.mailConfirmation(ctx)
		return
	}
	if workflow.GetVersion(ctx, noEmailsWithoutRelay, workflow.DefaultVersion, 1) == 1 && o.in.NoEmails {
		o.skipConfirmation()
		return
	}
	var req activities.EmailRequest
	if err := o.call(ctx, "Build the confirmation e-mail", acts.ConfirmationEmail, o.in.OrderID).Get(ctx, &req); err != nil {
		o.logger.Error("order confirmation e-mail not built", "error", err)
		return
	}
	child := workflow.ExecuteChildWorkflow(workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
		WorkflowID:        "email-order-confirmed-" + o.in.OrderID.String(),
		ParentClosePolicy: enums.PARENT_CLOSE_POLICY_ABANDON, // the e-mail goes out even if the order closes first
	}), SendEmailName, req)
	if err := child.GetChildWorkflowExecution().Get(ctx, nil); err != nil {
		o.logger.Error("order confirmation e-mail not started", "error", err)
		return
	}
	o.state.ConfirmationEmail = "started"
}

// mailConfirmation is sendConfirmation in the lean shape: the order sends
// its confirmation e-mail itself, as a local activity that reads the order
// and runs beside the next step. It retries an unreachable relay for up to a
// day (on timers past the first seconds) without holding the order up; the
// workflow ends only once it is done. No second workflow, no child events.
func (o *orderRun) mailConfirmation(ctx workflow.Context) {
	if o.in.NoEmails {
		o.skipConfirmation()
		return
	}
	o.state.ConfirmationEmail = "sending"
	o.mailing = true
	workflow.Go(ctx, func(ctx workflow.Context) {
		defer func() { o.mailing = false }()
		var e *activities.Emails
		req := activities.EmailRequest{Template: emails.OrderConfirmation, OrderID: o.in.OrderID}
		opts := emailLocalActivityOptions
		opts.Summary = "Send the order confirmation e-mail"
		if err := workflow.ExecuteLocalActivity(workflow.WithLocalActivityOptions(ctx, opts), e.SendEmail, req).Get(ctx, nil); err != nil {
			o.state.ConfirmationEmail = "failed: " + appErrorMessage(err)
			o.logger.Error("order confirmation e-mail not sent", "error", err)
			return
		}
		o.state.ConfirmationEmail = "sent"
	})
}

// skipConfirmation records that an order placed with no mail relay sends no
// confirmation e-mail.
func (o *orderRun) skipConfirmation() {
	o.state.ConfirmationEmail = "skipped: no mail relay configured"
	o.logger.Info("order confirmation e-mail skipped: no mail relay configured")
}

// noEmailsWithoutRelay is the change that made an order placed without a
// mail relay skip its confirmation e-mail; orders started before it replay
// the old path.
const noEmailsWithoutRelay = "no-emails-without-relay"

// leanLifecycle is the change to the lean shape (see orderRun.lean), which
// writes 10 history events up to confirmed, the e-mail sent, where the first
// wrote 43 and its e-mail child 11 more; orders started before it replay the
// first shape.
const leanLifecycle = "lean-lifecycle"

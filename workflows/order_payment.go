package workflows

import (
	"go.temporal.io/sdk/workflow"

	"github.com/acme/orders/activities"
	"github.com/acme/orders/internal/emails"
	"github.com/acme/orders/internal/orders"
)

// versionPayments is release 1.2's change to the order workflow: an
// unshipped order renews its payment authorization before it lapses (and
// is cancelled when that is declined), and a delivered order stays open
// for refunds for its return window. Orders that reached those points on
// 1.1 code keep its path.
const versionPayments = "payments-1.2"

func (o *orderRun) paymentsVersion(ctx workflow.Context) workflow.Version {
	if o.lean { // 1.4 takes it without asking
		return 1
	}
	return workflow.GetVersion(ctx, versionPayments, workflow.DefaultVersion, 1)
}

// returnsVersion is paymentsVersion for versionReturns.
func (o *orderRun) returnsVersion(ctx workflow.Context) workflow.Version {
	if o.lean {
		return 1
	}
	return workflow.GetVersion(ctx, versionReturns, workflow.DefaultVersion, 1)
}

// awaitShipment waits for ship or cancel after confirmation. On 1.2 code,
// with an authorization lifetime, the authorization is renewed once
// ReauthorizeBefore ahead of its lapse; a declined renewal, or a second
// lapse, cancels the order with compensation and an e-mail to the customer
// (stop: the run ends, with err).
func (o *orderRun) awaitShipment(ctx workflow.Context) (r *request, stop bool, err error) {
	if o.paymentsVersion(ctx) == workflow.DefaultVersion || o.in.AuthorizationTTL <= 0 {
		r, err = o.await(ctx)
		return r, err != nil, err
	}
	for {
		left := o.authorizedAt.Add(o.in.AuthorizationTTL - o.in.ReauthorizeBefore).Sub(workflow.Now(ctx))
		asked, err := workflow.AwaitWithTimeout(ctx, max(left, 0), func() bool { return o.waiting() != nil })
		switch {
		case err != nil:
			return nil, true, err
		case asked:
			return o.take(), false, nil
		case o.state.PaymentReauthorized:
			return nil, true, o.cancelUnpaid(ctx, "the payment authorization lapsed before the order shipped")
		}
		err = o.exec(disconnected(ctx), "Renew the payment authorization before it lapses", acts.ReauthorizePayment,
			activities.ReauthorizeInput{OrderID: o.in.OrderID, AuthorizationTTL: o.in.AuthorizationTTL})
		if appErrorType(err) == activities.ErrTypePaymentDeclined {
			return nil, true, o.cancelUnpaid(ctx, "the payment authorization lapsed and its renewal was declined")
		}
		if err != nil {
			return nil, true, err
		}
		o.state.PaymentReauthorized = true
		o.authorizedAt = workflow.Now(ctx)
	}
}

// cancelUnpaid cancels an order whose payment can no longer be held, and
// tells the customer why.
func (o *orderRun) cancelUnpaid(ctx workflow.Context, reason string) error {
	if err := o.compensate(ctx, orders.ActionCancel, ActionInput{Actor: orders.ActorSystem, Reason: reason}); err != nil {
		return err
	}
	o.sendOrderEmail(disconnected(ctx), emails.OrderCancelled, "Send the order cancellation e-mail", reason, nil)
	return nil
}

// awaitReturnWindow keeps a delivered order open for its return window: for
// returns and refunds (1.3 code, takeReturns), or refunds alone (1.2); a
// workflow cancel closes it early. A refund in flight is answered first.
func (o *orderRun) awaitReturnWindow(ctx workflow.Context) error {
	if o.paymentsVersion(ctx) == workflow.DefaultVersion || o.in.ReturnWindow <= 0 {
		return nil
	}
	if o.returnsVersion(ctx) != workflow.DefaultVersion {
		o.windowEnds = workflow.Now(ctx).Add(o.in.ReturnWindow)
		return o.takeReturns(ctx)
	}
	workflow.SetCurrentDetails(ctx, statusDetails(o.state.Status, "open for refunds until the return window ends"))
	_, err := workflow.AwaitWithTimeout(disconnected(ctx), o.in.ReturnWindow, func() bool { return ctx.Err() != nil })
	return err
}

// refund is the refund update's handler: one refund at a time, each held,
// asked of the provider (retried while it fails transiently) and settled
// by the Refund step. A refund beyond what is left, or one the provider
// refuses, is answered as a refusal.
func (o *orderRun) refund(ctx workflow.Context, in RefundInput) (orders.RefundView, error) {
	var out orders.RefundView
	err := o.exclusive(ctx, func() error {
		err := o.execResult(disconnected(ctx), "Refund the payment", acts.Refund, activities.RefundInput{
			OrderID: o.in.OrderID, RefundID: in.RefundID, AmountCents: in.AmountCents, Lines: in.Lines, Reason: in.Reason, Actor: in.Actor,
		}, &out)
		return refusal(err, activities.ErrTypeRefundRefused)
	})
	return out, err
}

// allowRefund is the refund update's validator: the order must have
// shipped, and the refund must name an amount or lines.
func (o *orderRun) allowRefund(in RefundInput) error {
	if err := orders.Refundable(o.state.Status); err != nil {
		return rejected("%s", err.Error())
	}
	if (in.AmountCents > 0) == (len(in.Lines) > 0) {
		return rejected("a refund names either a positive amount or lines")
	}
	return nil
}

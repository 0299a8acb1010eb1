package workflows

import (
	"fmt"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/acme/orders/internal/orders"
)

// ErrTypeRejected is the application error type of an update the order's
// state does not allow; the API answers it with 409.
const ErrTypeRejected = "ActionRejected"

func rejected(format string, args ...any) error {
	return temporal.NewApplicationError(fmt.Sprintf(format, args...), ErrTypeRejected)
}

// request is an action asked of the order, by an update or a signal, from
// its acceptance until its outcome is persisted.
type request struct {
	action orders.Action
	input  ActionInput
	next   orders.Status // where the lifecycle table says it leads
	taken  bool          // the run acted on it
	done   bool          // its outcome (or the order's end) is persisted
}

// allow is the validator of every update and the check of every signal: the
// lifecycle table decides by the order's status, and an order takes one
// asked action at a time.
func (o *orderRun) allow(a orders.Action) error {
	if rule := orders.Decide(o.state.Status, a); !rule.Allowed {
		return rejected("%s", rule.Refusal)
	}
	if o.asked != nil {
		return rejected("%s", orders.Busy(o.asked.action))
	}
	return nil
}

// ask records an allowed action for the run to act on.
func (o *orderRun) ask(a orders.Action, in ActionInput) *request {
	o.asked = &request{action: a, input: in, next: orders.Decide(o.state.Status, a).Next}
	return o.asked
}

// waiting is the asked action the run has not acted on yet, if any.
func (o *orderRun) waiting() *request {
	if o.asked == nil || o.asked.taken {
		return nil
	}
	return o.asked
}

// await waits for an action to be asked and takes it.
func (o *orderRun) await(ctx workflow.Context) (*request, error) {
	if err := workflow.Await(ctx, func() bool { return o.waiting() != nil }); err != nil {
		return nil, err
	}
	return o.take(), nil
}

// take marks the waiting action as acted on.
func (o *orderRun) take() *request {
	r := o.waiting()
	r.taken = true
	return r
}

// persist records that the read model now has status s: the action in
// flight is done once it reached where it leads, or the order ended.
func (o *orderRun) persist(s orders.Status) {
	o.persisted = s
	if r := o.asked; r != nil && (s == r.next || s.Terminal()) {
		r.done = true
		o.asked = nil
	}
}

// settleAsked answers an action still in flight when the run ends (it
// ended on an error, or a workflow cancel).
func (o *orderRun) settleAsked() {
	if o.asked != nil {
		o.asked.done = true
		o.asked = nil
	}
}

func (o *orderRun) registerHandlers(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, QueryState, func() (OrderState, error) { return o.state, nil }); err != nil {
		return err
	}
	for _, a := range orders.Askable() {
		err := workflow.SetUpdateHandlerWithOptions(ctx, string(a),
			func(ctx workflow.Context, in ActionInput) (OrderState, error) {
				r := o.ask(a, in)
				// Disconnected: an accepted action is answered with its
				// outcome even when `temporal workflow cancel` arrives meanwhile.
				if err := workflow.Await(disconnected(ctx), func() bool { return r.done }); err != nil {
					return o.state, err
				}
				if !r.taken {
					return o.state, rejected("order became %s before the %s could run", o.persisted, a)
				}
				return o.state, nil
			},
			workflow.UpdateHandlerOptions{Validator: func(workflow.Context, ActionInput) error { return o.allow(a) }},
		)
		if err != nil {
			return err
		}
	}
	err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateRefund, o.refund,
		workflow.UpdateHandlerOptions{Validator: func(_ workflow.Context, in RefundInput) error { return o.allowRefund(in) }})
	if err != nil {
		return err
	}
	if err := o.registerReturnHandlers(ctx); err != nil {
		return err
	}
	o.receiveSignals(ctx)
	return nil
}

// receiveSignals takes every signal in one coroutine: a cached order holds
// two coroutines, not seven. A return's goods reported by signal are
// received in a coroutine of their own, only while that runs.
func (o *orderRun) receiveSignals(ctx workflow.Context) {
	sel := workflow.NewSelector(ctx)
	sel.AddReceive(workflow.GetSignalChannel(ctx, SignalReturnReceived), func(ch workflow.ReceiveChannel, _ bool) {
		var in ReturnStepInput
		ch.Receive(ctx, &in)
		o.receiveSignalled(ctx, in)
	})
	for _, s := range signals {
		sel.AddReceive(workflow.GetSignalChannel(ctx, s.name), func(ch workflow.ReceiveChannel, _ bool) {
			var in ActionInput
			ch.Receive(ctx, &in)
			if err := o.allow(s.action); err != nil {
				o.logger.Warn("signal ignored", "signal", s.name, "reason", err.Error())
				return
			}
			o.ask(s.action, in)
		})
	}
	workflow.Go(ctx, func(ctx workflow.Context) {
		for {
			sel.Select(ctx)
		}
	})
}

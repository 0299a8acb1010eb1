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

// The rules, shared by update validators and signal handlers.
func (o *orderRun) canCancel() error {
	if !o.state.Status.Cancellable() || o.shipped != nil {
		return rejected("order is %s; it can be cancelled only until it ships", o.state.Status)
	}
	if o.cancel != nil {
		return rejected("a cancel is already under way")
	}
	return nil
}

func (o *orderRun) canDecide() error {
	if o.state.Status != orders.StatusAwaitingApproval {
		return rejected("order is %s, not awaiting approval", o.state.Status)
	}
	if o.approval != nil || o.rejection != nil || o.cancel != nil {
		return rejected("order is already being decided")
	}
	return nil
}

func (o *orderRun) canShip() error {
	if o.state.Status != orders.StatusConfirmed {
		return rejected("order is %s; only a confirmed order can ship", o.state.Status)
	}
	if o.shipped != nil || o.cancel != nil {
		return rejected("order is already shipping or being cancelled")
	}
	return nil
}

func (o *orderRun) canDeliver() error {
	if o.state.Status != orders.StatusShipped {
		return rejected("order is %s; only a shipped order can be delivered", o.state.Status)
	}
	if o.delivered != nil {
		return rejected("order is already being delivered")
	}
	return nil
}

type handler struct {
	update, signal string
	allowed        func() error
	record         func(ActionInput)
	// done tells, from the persisted status, when the action has taken
	// effect (or can no longer): then the update's caller gets its answer.
	done func(persisted orders.Status) bool
}

func (o *orderRun) handlers() []handler {
	return []handler{
		{UpdateCancel, SignalCancel, o.canCancel, func(a ActionInput) { o.cancel = &a }, orders.Status.Terminal},
		{UpdateApprove, SignalApproved, o.canDecide, func(a ActionInput) { o.approval = &a },
			func(s orders.Status) bool { return s != orders.StatusPending && s != orders.StatusAwaitingApproval }},
		{UpdateReject, SignalRejected, o.canDecide, func(a ActionInput) { o.rejection = &a }, orders.Status.Terminal},
		{UpdateShip, SignalShipped, o.canShip, func(a ActionInput) { o.shipped = &a },
			func(s orders.Status) bool { return s == orders.StatusShipped || s.Terminal() }},
		{UpdateDeliver, SignalDelivered, o.canDeliver, func(a ActionInput) { o.delivered = &a },
			func(s orders.Status) bool { return s == orders.StatusDelivered }},
	}
}

// updatesOutliveCancel is the change after which an accepted update waits
// for its outcome through a workflow cancel, instead of failing with it
// (a deliver after a post-shipping cancel answered "unavailable" though it
// delivered).
const updatesOutliveCancel = "updates-outlive-workflow-cancel"

func (o *orderRun) registerHandlers(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, QueryState, func() (OrderState, error) { return o.state, nil }); err != nil {
		return err
	}
	for _, h := range o.handlers() {
		err := workflow.SetUpdateHandlerWithOptions(ctx, h.update,
			func(ctx workflow.Context, a ActionInput) (OrderState, error) {
				h.record(a)
				done := func() bool { return h.done(o.persisted) }
				err := workflow.Await(ctx, done)
				if temporal.IsCanceledError(err) && workflow.GetVersion(ctx, updatesOutliveCancel, workflow.DefaultVersion, 1) == 1 {
					// `temporal workflow cancel` arrived while the action ran; the
					// main flow decides what becomes of it (after shipping it
					// carries on), and the caller gets the outcome.
					err = workflow.Await(disconnected(ctx), done)
				}
				if err != nil {
					return o.state, err
				}
				if h.update == UpdateCancel && o.persisted != orders.StatusCancelled {
					return o.state, rejected("order became %s before the cancel could run", o.persisted)
				}
				return o.state, nil
			},
			workflow.UpdateHandlerOptions{Validator: func(_ workflow.Context, _ ActionInput) error { return h.allowed() }},
		)
		if err != nil {
			return err
		}
		if !o.lean {
			ch := workflow.GetSignalChannel(ctx, h.signal)
			workflow.Go(ctx, func(ctx workflow.Context) {
				for {
					var a ActionInput
					if more := ch.Receive(ctx, &a); !more {
						return
					}
					o.onSignal(h, a)
				}
			})
		}
	}
	if o.lean {
		o.receiveSignals(ctx)
	}
	return nil
}

// receiveSignals takes every signal in one coroutine, as the lean shape
// does: a cached order then holds two coroutines, not six.
func (o *orderRun) receiveSignals(ctx workflow.Context) {
	sel := workflow.NewSelector(ctx)
	for _, h := range o.handlers() {
		sel.AddReceive(workflow.GetSignalChannel(ctx, h.signal), func(ch workflow.ReceiveChannel, _ bool) {
			var a ActionInput
			ch.Receive(ctx, &a)
			o.onSignal(h, a)
		})
	}
	workflow.Go(ctx, func(ctx workflow.Context) {
		for {
			sel.Select(ctx)
		}
	})
}

// onSignal records the action a signal reports, or logs why the order's
// state does not allow it.
func (o *orderRun) onSignal(h handler, a ActionInput) {
	if err := h.allowed(); err != nil {
		o.logger.Warn("signal ignored", "signal", h.signal, "reason", err.Error())
		return
	}
	h.record(a)
}

package workflows

import (
	"errors"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/acme/orders/internal/orders"
)

// StepTimeout is how long one attempt of an order step may take. The
// activities' own database bound (DATABASE_TIMEOUT) stays below it, so an
// attempt that meets a frozen database fails and is retried before Temporal
// times it out.
const StepTimeout = 30 * time.Second

// orderStepOptions run each step as a local activity: in the worker that
// runs the workflow, its result recorded as a marker, a run of steps in one
// workflow task. A step is retried until it succeeds or fails for good (a
// non-retryable error): a database or gateway outage delays an order, it does
// not fail it. Retries past the workflow task's timeout wait on a timer.
var orderStepOptions = workflow.LocalActivityOptions{
	StartToCloseTimeout:    StepTimeout,
	ScheduleToCloseTimeout: 10 * 365 * 24 * time.Hour, // no limit
	RetryPolicy: &temporal.RetryPolicy{
		InitialInterval:    time.Second,
		BackoffCoefficient: 2,
		MaximumInterval:    time.Minute,
	},
}

// exec runs one step and waits for it. The summary says what the step does,
// for the Temporal UI.
func (o *orderRun) exec(ctx workflow.Context, summary string, activity, arg any) error {
	return o.execResult(ctx, summary, activity, arg, nil)
}

// execResult runs one step, as exec, and decodes its result into out.
func (o *orderRun) execResult(ctx workflow.Context, summary string, activity, arg, out any) error {
	opts := orderStepOptions
	opts.Summary = summary
	return workflow.ExecuteLocalActivity(workflow.WithLocalActivityOptions(ctx, opts), activity, arg).Get(ctx, out)
}

// disconnected is ctx without its cancellation: for work that must finish
// even when the workflow is being cancelled.
func disconnected(ctx workflow.Context) workflow.Context {
	d, _ := workflow.NewDisconnectedContext(ctx)
	return d
}

func withReason(a ActionInput, fallback string) ActionInput {
	if a.Reason == "" {
		a.Reason = fallback
	}
	if a.Actor == "" {
		a.Actor = orders.ActorOperator
	}
	return a
}

func appErrorType(err error) string {
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) {
		return appErr.Type()
	}
	return ""
}

func appErrorMessage(err error) string {
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) {
		return appErr.Message()
	}
	return err.Error()
}
